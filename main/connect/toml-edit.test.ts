// Codex's config.toml editor: only our keys and table change; comments, other tables and keys stay; a file it
// cannot edit safely is refused rather than rewritten.
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { ConnectFileError } from './errors.js';
import { editToml, type TomlChanges } from './toml-edit.js';

const changes: TomlChanges = {
  topLevel: { model_provider: 'switchyard', model: 'smart' },
  table: ['model_providers', 'switchyard'],
  tableKeys: { name: 'Switchyard', base_url: 'http://127.0.0.1:5454/v1', wire_api: 'responses', experimental_bearer_token: 'sy-token' },
  tableRemove: ['env_key'],
};

describe('editToml', () => {
  it('writes a new file', () => {
    const text = editToml(null, changes, 'config.toml');
    expect(parse(text)).toEqual({ model_provider: 'switchyard', model: 'smart', model_providers: { switchyard: changes.tableKeys } });
  });

  it('keeps comments, other keys, tables and providers, and puts new top-level keys before the first table', () => {
    const before = [
      '# my settings',
      'model = "gpt-5" # the default',
      'approval_policy = "never"',
      '',
      '# MCP',
      '[mcp_servers.docs]',
      'command = "docs-server"',
      'args = [',
      '  "--port", "1",',
      ']',
      '',
      '[model_providers.other]',
      'name = "Other"',
      '',
    ].join('\n');
    const after = editToml(before, changes, 'config.toml');
    expect(after.split('\n').slice(0, 6)).toEqual([
      '# my settings',
      'model = "smart"',
      'approval_policy = "never"',
      'model_provider = "switchyard"',
      '',
      '# MCP',
    ]);
    expect(after).toContain('args = [\n  "--port", "1",\n]');
    expect(after).toContain('[model_providers.other]\nname = "Other"\n\n[model_providers.switchyard]\nname = "Switchyard"');
    expect(parse(after)).toMatchObject({
      approval_policy: 'never',
      mcp_servers: { docs: { command: 'docs-server', args: ['--port', '1'] } },
      model_providers: { other: { name: 'Other' } },
    });
  });

  it('updates its own table in place, keeping the keys the user added to it and dropping env_key', () => {
    const before = [
      '[model_providers.switchyard]',
      'name = "Switchyard"',
      'base_url = "http://127.0.0.1:1/v1"',
      'env_key = "SWITCHYARD_TOKEN"',
      'request_max_retries = 2 # mine',
      '',
      '[profiles.x]',
      'model = "y"',
      '',
    ].join('\n');
    const after = editToml(before, changes, 'config.toml');
    expect(after).toContain('request_max_retries = 2 # mine');
    expect(after).not.toContain('env_key');
    const parsed = parse(after) as { model_providers: { switchyard: Record<string, unknown> }; profiles: unknown };
    expect(parsed.model_providers.switchyard).toEqual({ ...changes.tableKeys, request_max_retries: 2 });
    expect(parsed.profiles).toEqual({ x: { model: 'y' } });
  });

  it('is idempotent and keeps CRLF line ends', () => {
    const once = editToml('# hi\r\nmodel = "a"\r\n', changes, 'config.toml');
    expect(editToml(once, changes, 'config.toml')).toBe(once);
    expect(once).toContain('\r\n');
    expect(once.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('refuses invalid TOML and a table written as dotted keys', () => {
    expect(() => editToml('model = ', changes, 'config.toml')).toThrow(ConnectFileError);
    expect(() => editToml('model_providers.switchyard.name = "x"\n', changes, 'config.toml')).toThrow(/dotted keys or an inline table/);
    expect(() => editToml('model_providers = { switchyard = { name = "x" } }\n', changes, 'config.toml')).toThrow(ConnectFileError);
  });
});
