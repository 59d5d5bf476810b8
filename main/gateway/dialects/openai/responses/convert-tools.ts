// Responses tools → chat function tools. Function tools map one to one. A custom tool (free-form text input, such as
// Codex's apply_patch with its grammar) becomes a function with one string parameter, `input`; local_shell becomes a
// function named local_shell. ToolNames remembers which is which, so the calls can go back as the right item type.
// Hosted tools (web search, file search, MCP, ...) run at OpenAI and are listed for the handler instead.
import type { ChatRequest, ToolDefinition } from '../../../../../shared/openai-types.js';
import type { CustomTool, FunctionTool, ResponsesRequest, ResponsesTool } from './schema.js';

export type ToolKind = 'function' | 'custom' | 'local_shell';

export interface ToolNames {
  /** How a call to this chat function goes back to the client; 'function' for a name we did not declare. */
  kindOf(functionName: string): ToolKind;
}

/** Something in the request that only a native Responses target can serve. */
export interface HostedUse {
  readonly param: string;
  readonly type: string;
}

export const localShellName = 'local_shell';

export interface ConvertedTools {
  readonly tools: ToolDefinition[];
  readonly names: ToolNames;
}

export function convertTools(tools: readonly ResponsesTool[] | undefined, hosted: HostedUse[]): ConvertedTools {
  const kinds = new Map<string, ToolKind>();
  const definitions: ToolDefinition[] = [];
  (tools ?? []).forEach((tool, index) => {
    // the schema parsed function and custom tools with their own shapes, so the casts below hold
    if (tool.type === 'function') {
      definitions.push(functionDefinition(tool as FunctionTool));
      kinds.set((tool as FunctionTool).name, 'function');
    } else if (tool.type === 'custom') {
      definitions.push(customDefinition(tool as CustomTool));
      kinds.set((tool as CustomTool).name, 'custom');
    } else if (tool.type === 'local_shell') {
      definitions.push(localShellDefinition);
      kinds.set(localShellName, 'local_shell');
    } else {
      hosted.push({ param: `tools[${index}]`, type: tool.type });
    }
  });
  return { tools: definitions, names: { kindOf: (name) => kinds.get(name) ?? 'function' } };
}

/** `strict` only when the client set it: Responses defaults it to true, but most chat servers reject or ignore it. */
function functionDefinition(tool: FunctionTool): ToolDefinition {
  const definition: ToolDefinition = { type: 'function', function: { name: tool.name, parameters: tool.parameters ?? { type: 'object', properties: {} } } };
  if (tool.description) definition.function.description = tool.description;
  if (typeof tool.strict === 'boolean') definition.function.strict = tool.strict;
  return definition;
}

/** A chat model cannot be held to a grammar, so the grammar goes into the description for it to follow. */
function customDefinition(tool: CustomTool): ToolDefinition {
  const lines = [tool.description ?? '', 'This tool takes free-form text, not JSON fields: pass all of it as the string parameter "input".'];
  const format = tool.format;
  if (format?.type === 'grammar' && format.definition) {
    const syntax = format.syntax ? `${format.syntax} ` : '';
    lines.push(`The input must match this ${syntax}grammar:\n${format.definition}`);
  }
  return {
    type: 'function',
    function: {
      name: tool.name,
      description: lines.filter((line) => line !== '').join('\n\n'),
      parameters: {
        type: 'object',
        properties: { input: { type: 'string', description: 'The complete free-form input.' } },
        required: ['input'],
        additionalProperties: false,
      },
    },
  };
}

const localShellDefinition: ToolDefinition = {
  type: 'function',
  function: {
    name: localShellName,
    description: "Runs a command on the user's machine and returns its output.",
    parameters: {
      type: 'object',
      properties: {
        command: { type: 'array', items: { type: 'string' }, description: 'The program and its arguments, e.g. ["bash", "-lc", "ls -a"].' },
        workdir: { type: 'string', description: 'The directory to run the command in.' },
        timeout_ms: { type: 'number', description: 'The time limit for the command, in milliseconds.' },
      },
      required: ['command'],
      additionalProperties: false,
    },
  },
};

export function convertToolChoice(choice: ResponsesRequest['tool_choice'], hosted: HostedUse[]): ChatRequest['tool_choice'] {
  if (choice === undefined || typeof choice === 'string') return choice;
  switch (choice.type) {
    case 'function':
    case 'custom':
      return typeof choice.name === 'string' ? { type: 'function', function: { name: choice.name } } : 'required';
    case 'local_shell':
      return { type: 'function', function: { name: localShellName } };
    case 'allowed_tools':
      // The chat shape cannot narrow the tool set without removing tools from the list, which would also defeat
      // prompt caching (the reason allowed_tools exists). The client's mode is kept; the list stays whole.
      return choice.mode ?? 'auto';
    default:
      hosted.push({ param: 'tool_choice', type: choice.type });
      return undefined;
  }
}
