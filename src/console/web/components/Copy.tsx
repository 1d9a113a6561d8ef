import { useState } from 'react';

/** Copies `text` to the clipboard, and says so; where the browser refuses, says to select it. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied');
    } catch {
      setSaid('Copying was refused: select the text and copy it');
    }
  };
  return (
    <>
      <button type="button" className="button button-small" onClick={() => void copy()}>
        Copy<span className="visually-hidden"> {label}</span>
      </button>
      <span className="muted small" role="status">
        {said && ` ${said}`}
      </span>
    </>
  );
}

/** A secret, hidden until asked for: it is not for everyone looking at the screen. */
export function SecretValue({ secret, label }: { secret: string; label: string }) {
  const [shown, setShown] = useState(false);
  return (
    <span className="secret">
      <code className="value">{shown ? secret : '•'.repeat(Math.min(secret.length, 24))}</code>{' '}
      <button
        type="button"
        className="button button-small"
        aria-pressed={shown}
        onClick={() => setShown((value) => !value)}
      >
        {shown ? 'Hide' : 'Show'}
        <span className="visually-hidden"> {label}</span>
      </button>{' '}
      <CopyButton text={secret} label={label} />
    </span>
  );
}
