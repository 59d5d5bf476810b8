// zod schemas for a Responses API request (POST /v1/responses). Objects are loose, so fields we do not know are kept;
// item and tool types we do not know (hosted tools such as web_search_call) are kept too, for the translator to list
// as needing a native Responses target. Known shapes are checked, and a bad one gets a 400 naming the field inside
// it (`input[2].content[0].text`), which a plain z.union cannot do: it reports only that no option matched.
import { z } from 'zod';
import { formatPath } from '../../../../../shared/openai-schema.js';

/** A 400 for a bad Responses request; the handler turns it into OpenAI's error body. */
export class ResponsesRequestError extends Error {
  readonly status = 400;
  readonly type = 'invalid_request_error';

  constructor(
    message: string,
    readonly param: string | null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ResponsesRequestError';
  }
}

/** Parses `value` with the schema `pick` chooses, so that an error keeps its path inside that schema. */
function dispatch<T>(pick: (value: unknown) => z.ZodType<T>): z.ZodType<T> {
  return z.unknown().transform((value, context): T => {
    const result = pick(value).safeParse(value);
    if (result.success) return result.data;
    // re-raised with the same message and path, so the request's parents prefix it as usual
    for (const issue of result.error.issues) context.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
    return z.NEVER;
  });
}

function stringOr<T>(other: z.ZodType<T>): z.ZodType<string | T> {
  return dispatch<string | T>((value) => (typeof value === 'string' ? z.string() : other));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalString = z.string().nullable().optional();

const inputTextPart = z.looseObject({ type: z.literal('input_text'), text: z.string() });
const inputImagePart = z.looseObject({ type: z.literal('input_image'), image_url: optionalString, file_id: optionalString, detail: optionalString });
const inputFilePart = z.looseObject({
  type: z.literal('input_file'),
  file_data: optionalString,
  file_id: optionalString,
  file_url: optionalString,
  filename: optionalString,
});
const outputTextPart = z.looseObject({ type: z.literal('output_text'), text: z.string(), annotations: z.array(z.unknown()).optional() });
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const messagePart = z.discriminatedUnion('type', [inputTextPart, inputImagePart, inputFilePart, outputTextPart, refusalPart]);
export type MessagePart = z.infer<typeof messagePart>;
/** What a tool output may hold besides a string. */
const outputPart = z.discriminatedUnion('type', [inputTextPart, inputImagePart, inputFilePart]);
export type ToolOutputPart = z.infer<typeof outputPart>;
const toolOutput = stringOr(z.array(outputPart));

const itemBase = { id: optionalString, status: optionalString };

const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: stringOr(z.array(messagePart)),
  ...itemBase,
});
const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  ...itemBase,
});
const functionCallOutputItem = z.looseObject({ type: z.literal('function_call_output'), call_id: z.string().min(1), output: toolOutput, ...itemBase });
const reasoningItem = z.looseObject({
  type: z.literal('reasoning'),
  // Codex does not send the id back (its serde skips it), so it is optional here
  id: optionalString,
  summary: z.array(z.looseObject({ type: z.string(), text: z.string() })).optional(),
  content: z
    .array(z.looseObject({ type: z.string(), text: z.string() }))
    .nullable()
    .optional(),
  encrypted_content: optionalString,
  status: optionalString,
});
const customToolCallItem = z.looseObject({
  type: z.literal('custom_tool_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  input: z.string(),
  ...itemBase,
});
const customToolCallOutputItem = z.looseObject({ type: z.literal('custom_tool_call_output'), call_id: z.string().min(1), output: toolOutput, ...itemBase });
const localShellCallItem = z
  .looseObject({
    type: z.literal('local_shell_call'),
    id: optionalString,
    call_id: optionalString,
    action: z.looseObject({
      type: z.literal('exec'),
      command: z.array(z.string()),
      working_directory: optionalString,
      env: z.record(z.string(), z.string()).nullable().optional(),
      timeout_ms: z.number().int().nonnegative().nullable().optional(),
      user: optionalString,
    }),
    status: optionalString,
  })
  .refine((item) => Boolean(item.call_id ?? item.id), { message: 'call_id or id is required', path: ['call_id'] });
// OpenAI's type names the call by `id`; some clients send `call_id`. One of them is needed.
const localShellCallOutputItem = z
  .looseObject({ type: z.literal('local_shell_call_output'), id: optionalString, call_id: optionalString, output: z.string(), status: optionalString })
  .refine((item) => Boolean(item.call_id ?? item.id), { message: 'call_id or id is required', path: ['call_id'] });
const itemReference = z.looseObject({ type: z.literal('item_reference'), id: z.string().min(1) });
const otherItem = z.looseObject({ type: z.string().min(1) });

const knownItems = {
  message: messageItem,
  function_call: functionCallItem,
  function_call_output: functionCallOutputItem,
  reasoning: reasoningItem,
  custom_tool_call: customToolCallItem,
  custom_tool_call_output: customToolCallOutputItem,
  local_shell_call: localShellCallItem,
  local_shell_call_output: localShellCallOutputItem,
  item_reference: itemReference,
} as const;

export type MessageInputItem = z.infer<typeof messageItem>;
export type KnownInputItem = { [Type in keyof typeof knownItems]: z.infer<(typeof knownItems)[Type]> }[keyof typeof knownItems];
/** An item type this translator does not know (hosted tools' calls, compaction, ...), kept as sent. */
export type OtherInputItem = z.infer<typeof otherItem>;
export type ResponseInputItem = KnownInputItem | OtherInputItem;

function knownItemSchema(type: unknown): z.ZodType<KnownInputItem> | undefined {
  if (type === undefined) return messageItem; // a message may leave out `type`
  return typeof type === 'string' && Object.hasOwn(knownItems, type) ? knownItems[type as keyof typeof knownItems] : undefined;
}

export function isKnownItem(item: ResponseInputItem): item is KnownInputItem {
  return knownItemSchema(item.type) !== undefined;
}

export const responseInputItemSchema = dispatch<ResponseInputItem>((value) => (isRecord(value) ? (knownItemSchema(value['type']) ?? otherItem) : otherItem));

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1).max(128),
  description: optionalString,
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});
const customTool = z.looseObject({
  type: z.literal('custom'),
  name: z.string().min(1).max(128),
  description: optionalString,
  format: z.looseObject({ type: z.string(), syntax: optionalString, definition: optionalString }).nullable().optional(),
});
const localShellTool = z.looseObject({ type: z.literal('local_shell') });
const otherTool = z.looseObject({ type: z.string().min(1) });
const knownTools = { function: functionTool, custom: customTool, local_shell: localShellTool } as const;

export type FunctionTool = z.infer<typeof functionTool>;
export type CustomTool = z.infer<typeof customTool>;
export type ResponsesTool = FunctionTool | CustomTool | z.infer<typeof localShellTool> | z.infer<typeof otherTool>;

const toolSchema = dispatch<ResponsesTool>((value) => {
  const type = isRecord(value) ? value['type'] : undefined;
  return typeof type === 'string' && Object.hasOwn(knownTools, type) ? knownTools[type as keyof typeof knownTools] : otherTool;
});

const toolChoiceObject = z.looseObject({ type: z.string().min(1), name: z.string().min(1).optional(), mode: z.enum(['auto', 'required']).optional() });
const toolChoice = dispatch<'none' | 'auto' | 'required' | z.infer<typeof toolChoiceObject>>((value) =>
  typeof value === 'string' ? z.enum(['none', 'auto', 'required']) : toolChoiceObject,
);

const textFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().min(1).max(64),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);
export type TextFormat = z.infer<typeof textFormat>;

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1).max(512),
  input: stringOr(z.array(responseInputItemSchema)).optional(),
  instructions: optionalString,
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  text: z
    .looseObject({ format: textFormat.optional(), verbosity: z.enum(['low', 'medium', 'high']).nullable().optional() })
    .nullable()
    .optional(),
  reasoning: z
    .looseObject({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable().optional(),
      summary: z.enum(['auto', 'concise', 'detailed']).nullable().optional(),
    })
    .nullable()
    .optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  max_tool_calls: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  prompt_cache_key: optionalString,
  include: z.array(z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  background: z.boolean().nullable().optional(),
  previous_response_id: optionalString,
  user: optionalString,
  truncation: z.enum(['auto', 'disabled']).nullable().optional(),
  service_tier: optionalString,
  safety_identifier: optionalString,
  conversation: z
    .union([z.string(), z.looseObject({ id: z.string() })])
    .nullable()
    .optional(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

export function validateResponsesRequest(value: unknown): ResponsesRequest {
  const result = responsesRequestSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue ? formatPath(issue.path) : '';
  const message = issue?.message ?? 'invalid request';
  throw new ResponsesRequestError(param ? `${param}: ${message}` : message, param || null);
}
