import { lockedProviders } from '../../../activities/runner/providerCache';

describe("the provider versions a run's lock file names", () => {
  it('reads each provider block of a lock file as OpenTofu writes it', () => {
    const lockFile = `# This file is maintained automatically by "tofu init".
# Manual edits may be lost in future updates.

provider "registry.opentofu.org/hashicorp/aws" {
  version     = "5.31.0"
  constraints = "~> 5.0"
  hashes = [
    "h1:abc=",
    "zh:def",
  ]
}

provider "example.com/Acme/thing" {
  version = "1.0.0-beta.1"
}
`;
    expect(lockedProviders(lockFile)).toEqual([
      { address: 'registry.opentofu.org/hashicorp/aws', version: '5.31.0' },
      { address: 'example.com/acme/thing', version: '1.0.0-beta.1' },
    ]);
  });

  it('leaves out whatever is not plainly a registry address and a version', () => {
    const block = (address: string, version: string) =>
      `provider "${address}" {\n  version = "${version}"\n}\n`;
    const lockFile = [
      block('registry.opentofu.org/hashicorp/../../etc', '1.0.0'),
      block('hashicorp/aws', '1.0.0'),
      block('localhost/acme/thing', '1.0.0'),
      block('example.com/acme/thing/extra', '1.0.0'),
      block('example.com/acme/thing', '1.0'),
      block('example.com/acme/thing', '1.0.0/../..'),
      block('example.com/acme/thing", version = "2.0.0', '1.0.0'),
      block('example.com/acme/ok', '2.0.0'),
    ].join('\n');
    expect(lockedProviders(lockFile)).toEqual([
      { address: 'example.com/acme/ok', version: '2.0.0' },
    ]);
  });
});
