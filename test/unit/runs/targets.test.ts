import { InvalidInputError } from '../../../src/platform/errors';
import { isResourceAddress, replanTargets, targetArguments } from '../../../src/runs/targets';

describe('the targets of a replan', () => {
  it.each([
    'terraform_data.example',
    'data.aws_ami.ubuntu',
    'aws_instance.web[0]',
    'aws_instance.web["blue"]',
    'module.network',
    'module.network["eu"].aws_subnet.private[2]',
    'module.a.module.b.null_resource.c',
  ])('takes %s', (address) => {
    expect(isResourceAddress(address)).toBe(true);
  });

  it.each([
    '-destroy',
    '-target=x.y',
    'terraform_data.example -destroy',
    'terraform_data',
    'x.y[-1]',
    'x.y["a"] ',
    'x.y["a\\"b"]',
    'x.y["a\nb"]',
    '../x.y',
  ])('refuses %j', (address) => {
    expect(isResourceAddress(address)).toBe(false);
  });

  it('refuses an address longer than any OpenTofu would take', () => {
    expect(isResourceAddress(`x.${'y'.repeat(2000)}`)).toBe(false);
  });

  it('trims and drops repeats, and makes one -target argument of each', () => {
    expect(replanTargets([' a.b ', 'a.b', 'c.d'])).toEqual(['a.b', 'c.d']);
    expect(targetArguments(['a.b', 'module.m.c.d'])).toEqual([
      '-target=a.b',
      '-target=module.m.c.d',
    ]);
  });

  it('refuses no targets, too many, and says which are not addresses', () => {
    expect(() => replanTargets([])).toThrow(InvalidInputError);
    expect(() => replanTargets(['  '])).toThrow('a replan needs at least one resource address');
    expect(() => replanTargets(Array.from({ length: 101 }, (_, i) => `a.b${i}`))).toThrow(
      'at most 100',
    );
    expect(() => replanTargets(['a.b', '-destroy'])).toThrow(
      '"-destroy" is not a resource address',
    );
  });
});
