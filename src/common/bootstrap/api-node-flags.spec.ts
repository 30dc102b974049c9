import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

// The scripts start the API with scripts/api-node-flags.js; the image and `start:prod` spell the
// same flags out, and a deployment that silently lost them would cost every request more CPU.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { API_NODE_FLAGS } = require(join(ROOT, 'scripts/api-node-flags.js')) as {
  API_NODE_FLAGS: readonly string[];
};

/** The arguments of the Dockerfile's final exec-form `CMD`. */
function dockerCommand(dockerfile: string): string[] {
  const commands = dockerfile.split('\n').filter((line) => /^CMD\s*\[/.test(line));
  return JSON.parse(commands[commands.length - 1].replace(/^CMD\s*/, '')) as string[];
}

describe("the API process's node options", () => {
  it('are flags the local scripts pass', () => {
    expect(API_NODE_FLAGS.length).toBeGreaterThan(0);
    for (const flag of API_NODE_FLAGS) expect(flag).toMatch(/^--[a-z-]+=\S+$/);
  });

  it("are the Dockerfile command's, ahead of the entry point", () => {
    const command = dockerCommand(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(command).toEqual(['node', ...API_NODE_FLAGS, 'dist/main.js']);
  });

  it("are start:prod's", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start:prod']).toBe(['node', ...API_NODE_FLAGS, 'dist/main'].join(' '));
  });
});
