// What to paste for each tool: environment variables, flags, settings blocks or a few lines of code, with the
// tool's token and Switchyard's addresses filled in and the route aliases listed as model choices. Pure text.
import { v1, type ConnectSettings } from './settings.js';
import type { ConnectTool } from './tools.js';

export function toolSnippet(tool: ConnectTool, settings: ConnectSettings): string {
  const { token, url } = settings;
  const model = settings.model;
  const pick = model ?? settings.models[0] ?? 'smart';
  const choices =
    settings.models.length > 0
      ? `# model choices (route aliases): ${settings.models.join(', ')}; or any provider/model`
      : '# model: a route alias or provider/model (`switchyard status` lists the routes)';
  const json = (value: unknown): string => JSON.stringify(value, null, 2);
  switch (tool.id) {
    case 'claude-code':
      return lines(
        '# in your shell (or the "env" block of ~/.claude/settings.json, which `switchyard connect claude-code --write` fills in)',
        `export ANTHROPIC_BASE_URL=${url}`,
        `export ANTHROPIC_AUTH_TOKEN=${shell(token)}`,
        model === null
          ? '# no model set: Claude Code asks for its own names (claude-*): an Anthropic provider or a claude-* route serves them'
          : `export ANTHROPIC_MODEL=${shell(model)}`,
        model === null ? null : `export ANTHROPIC_DEFAULT_HAIKU_MODEL=${shell(model)}`,
        choices,
        'claude',
      );
    case 'codex':
      return lines(
        '# ~/.codex/config.toml',
        `model = ${JSON.stringify(pick)}`,
        'model_provider = "switchyard"',
        '',
        '[model_providers.switchyard]',
        'name = "Switchyard"',
        `base_url = ${JSON.stringify(v1(settings))}`,
        'wire_api = "responses"',
        `experimental_bearer_token = ${JSON.stringify(token)}`,
        choices,
      );
    case 'gemini-cli':
      return lines(
        '# ~/.gemini/.env (or your shell)',
        `GOOGLE_GEMINI_BASE_URL=${url}`,
        `GEMINI_API_KEY=${shell(token)}`,
        '# ~/.gemini/settings.json: API-key sign-in (the base URL alone selects a sign-in that -p mode refuses)',
        json({ security: { auth: { selectedType: 'gemini-api-key' } }, ...(model === null ? {} : { model: { name: model } }) }),
        choices,
        `gemini -m ${shell(pick)}`,
      );
    case 'opencode':
      return lines(
        '// ~/.config/opencode/opencode.json',
        json({
          provider: {
            switchyard: {
              npm: '@ai-sdk/openai-compatible',
              name: 'Switchyard',
              options: { baseURL: v1(settings), apiKey: token },
              models: Object.fromEntries([...new Set([pick, ...settings.models])].map((name) => [name, { name }])),
            },
          },
          model: `switchyard/${pick}`,
        }),
      );
    case 'qwen-code':
      return lines(
        '# ~/.qwen/.env (or your shell); ~/.qwen/settings.json: {"security": {"auth": {"selectedType": "openai"}}}',
        `OPENAI_BASE_URL=${v1(settings)}`,
        `OPENAI_API_KEY=${shell(token)}`,
        `OPENAI_MODEL=${shell(pick)}`,
        choices,
        'qwen',
      );
    case 'continue':
      return lines(
        '# ~/.continue/config.yaml, under models:',
        `  - name: "Switchyard: ${pick}"`,
        '    provider: openai',
        `    model: ${pick}`,
        `    apiBase: ${v1(settings)}`,
        `    apiKey: ${token}`,
        '    roles: [chat, edit, apply]',
        choices,
      );
    case 'aider':
      return lines(
        '# ~/.aider.conf.yml (or the flags: aider --openai-api-base … --openai-api-key … --model openai/<model>)',
        `openai-api-base: ${v1(settings)}`,
        `openai-api-key: ${token}`,
        `model: openai/${pick}`,
        choices,
      );
    case 'cursor':
      return lines(
        'Cursor → Settings → Models:',
        `  OpenAI API Key:            ${token}`,
        `  Override OpenAI Base URL:  ${v1(settings)}`,
        `  add a custom model named:  ${pick}`,
        choices,
        '# Cursor sends these requests from its own servers, which cannot reach 127.0.0.1 on your machine:',
        '# it needs Switchyard at an address those servers can reach (a tunnel, with server.allowed_hosts set to its name).',
      );
    case 'copilot':
      return settings.ollamaUrl === null
        ? lines(
            '# Copilot reaches Switchyard through the Ollama API, which is off. Turn it on with its own port in the config:',
            'ollama_api:',
            '  enabled: true',
            '  port: 11435',
            '# then run this again for the VS Code setting.',
          )
        : lines(
            '// VS Code settings.json: Copilot Chat → Manage Models → Ollama then lists your routes and models',
            json({ 'github.copilot.chat.byok.ollamaEndpoint': settings.ollamaUrl }),
            "// no key: on loopback the Ollama API takes requests without a token, filed under the client 'ollama-api'",
          );
    case 'open-webui':
      return lines(
        '# Open WebUI (pip or a native install on this machine): an OpenAI connection',
        `OPENAI_API_BASE_URL=${v1(settings)}`,
        `OPENAI_API_KEY=${shell(token)}`,
        '# or Admin Settings → Connections → OpenAI API with the same URL and key.',
        settings.ollamaUrl === null ? null : `# or as an Ollama connection: OLLAMA_BASE_URL=${settings.ollamaUrl}`,
        '# in Docker, 127.0.0.1 is the container itself: run it with --network=host.',
        choices,
      );
    case 'openai-sdk':
      return lines(
        '# either SDK reads these from the environment',
        `export OPENAI_BASE_URL=${v1(settings)}`,
        `export OPENAI_API_KEY=${shell(token)}`,
        '',
        '# Python',
        'from openai import OpenAI',
        'client = OpenAI()',
        `print(client.chat.completions.create(model=${JSON.stringify(pick)}, messages=[{"role": "user", "content": "Hello"}]).choices[0].message.content)`,
        '',
        '// Node',
        "import OpenAI from 'openai';",
        'const client = new OpenAI();',
        `const answer = await client.chat.completions.create({ model: ${JSON.stringify(pick)}, messages: [{ role: 'user', content: 'Hello' }] });`,
        choices,
      );
    case 'anthropic-sdk':
      return lines(
        '# either SDK reads these from the environment',
        `export ANTHROPIC_BASE_URL=${url}`,
        `export ANTHROPIC_API_KEY=${shell(token)}`,
        '',
        '# Python',
        'import anthropic',
        'client = anthropic.Anthropic()',
        `print(client.messages.create(model=${JSON.stringify(model ?? tool.ownModel ?? pick)}, max_tokens=1024, messages=[{"role": "user", "content": "Hello"}]).content[0].text)`,
        '',
        '// Node',
        "import Anthropic from '@anthropic-ai/sdk';",
        'const client = new Anthropic();',
        `const answer = await client.messages.create({ model: ${JSON.stringify(model ?? tool.ownModel ?? pick)}, max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });`,
        choices,
      );
    default:
      return '';
  }
}

function lines(...parts: ReadonlyArray<string | null>): string {
  return `${parts.filter((part): part is string => part !== null).join('\n')}\n`;
}

/** A value for a shell line: quoted unless it is plainly safe. */
function shell(value: string): string {
  return /^[A-Za-z0-9_./:@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
