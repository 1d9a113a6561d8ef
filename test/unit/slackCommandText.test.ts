import { loggable } from '../../src/slack/commands';
import { commandText } from '../../src/slack/events';

describe('a direct message as a command', () => {
  it('is the text itself, or what follows the slash command or a mention of the app', () => {
    expect(commandText('status payments', '/gantry')).toBe('status payments');
    expect(commandText('  /gantry deploy payments v1.2.0 ', '/gantry')).toBe(
      'deploy payments v1.2.0',
    );
    expect(commandText('gantry whoami', '/gantry')).toBe('whoami');
    expect(commandText('<@U0GANTRY1> runs payments', '/gantry')).toBe('runs payments');
    expect(commandText('<@U0GANTRY1|gantry> help', '/gantry')).toBe('help');
    expect(commandText('/gantry', '/gantry')).toBe('');
  });

  it('leaves a word that only starts like the command, and Slack-escaped text, as they are', () => {
    expect(commandText('gantryctl status', '/gantry')).toBe('gantryctl status');
    expect(commandText('subscribe payments --to <@U0ADA|ada>', '/gantry')).toBe(
      'subscribe payments --to <@U0ADA|ada>',
    );
  });
});

describe('a command as the log keeps it', () => {
  it('leaves out a link code, and keeps every other command as typed', () => {
    expect(loggable('/gantry link K7QF-3M2D')).toBe('/gantry link [code left out]');
    expect(loggable('link k7qf 3m2d')).toBe('link [code left out]');
    expect(loggable('/gantry link')).toBe('/gantry link');
    expect(loggable('/gantry deploy payments v1.2.0')).toBe('/gantry deploy payments v1.2.0');
  });
});
