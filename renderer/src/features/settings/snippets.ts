// Copy-paste set-ups for common tools, built from the real gateway address. They never contain a token: the shell
// ones read $SWITCHYARD_TOKEN, the others show a placeholder to replace.
export const tokenPlaceholder = '<your-switchyard-token>';

export interface Snippet {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly code: string;
}

/** `baseUrl` without /v1, e.g. http://127.0.0.1:5454; `model` a route alias or provider/model to show. */
export function snippetsFor(baseUrl: string, model: string): Snippet[] {
  const base = baseUrl.replace(/\/+$/, '');
  const openaiBase = `${base}/v1`;
  return [
    {
      id: 'curl',
      title: 'curl',
      note: 'Set SWITCHYARD_TOKEN to a client token first (Settings → Client tokens).',
      code: [
        `curl ${openaiBase}/chat/completions \\`,
        '  -H "Authorization: Bearer $SWITCHYARD_TOKEN" \\',
        '  -H "Content-Type: application/json" \\',
        `  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello"}]}'`,
      ].join('\n'),
    },
    {
      id: 'python',
      title: 'OpenAI SDK for Python',
      note: 'pip install openai',
      code: [
        'import os',
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url="${openaiBase}", api_key=os.environ["SWITCHYARD_TOKEN"])`,
        `reply = client.chat.completions.create(model="${model}", messages=[{"role": "user", "content": "Hello"}])`,
        'print(reply.choices[0].message.content)',
      ].join('\n'),
    },
    {
      id: 'javascript',
      title: 'OpenAI SDK for JavaScript',
      note: 'npm install openai',
      code: [
        "import OpenAI from 'openai';",
        '',
        `const client = new OpenAI({ baseURL: '${openaiBase}', apiKey: process.env.SWITCHYARD_TOKEN });`,
        `const reply = await client.chat.completions.create({ model: '${model}', messages: [{ role: 'user', content: 'Hello' }] });`,
        'console.log(reply.choices[0].message.content);',
      ].join('\n'),
    },
    {
      id: 'claude-code',
      title: 'Claude Code',
      note: 'Claude Code speaks the Anthropic API, which Switchyard serves at the bare address (no /v1).',
      code: [`export ANTHROPIC_BASE_URL=${base}`, 'export ANTHROPIC_AUTH_TOKEN="$SWITCHYARD_TOKEN"', 'claude'].join('\n'),
    },
    {
      id: 'continue',
      title: 'Continue',
      note: 'In ~/.continue/config.yaml:',
      code: ['models:', '  - name: Switchyard', '    provider: openai', `    model: ${model}`, `    apiBase: ${openaiBase}`, `    apiKey: ${tokenPlaceholder}`].join('\n'),
    },
    {
      id: 'cursor',
      title: 'Cursor',
      note: 'Settings → Models → API keys:',
      code: [`OpenAI API key: ${tokenPlaceholder}`, `Override OpenAI Base URL: ${openaiBase}`, `Then add the model name "${model}" under Models.`].join('\n'),
    },
    {
      id: 'aider',
      title: 'Aider',
      note: 'The openai/ prefix tells Aider to use the OpenAI-compatible API.',
      code: `aider --openai-api-base ${openaiBase} --openai-api-key "$SWITCHYARD_TOKEN" --model openai/${model}`,
    },
    {
      id: 'open-webui',
      title: 'Open WebUI',
      note: 'Host networking lets the container reach Switchyard on this machine’s loopback address.',
      code: [
        'docker run -d --network=host \\',
        `  -e OPENAI_API_BASE_URL=${openaiBase} \\`,
        '  -e OPENAI_API_KEY="$SWITCHYARD_TOKEN" \\',
        '  -v open-webui:/app/backend/data --name open-webui ghcr.io/open-webui/open-webui:main',
      ].join('\n'),
    },
  ];
}
