// zod schemas for what Anthropic-dialect clients send to POST /v1/messages and /v1/messages/count_tokens. Objects
// are loose (the passthrough path forwards fields we do not know); known content blocks are checked so a bad one
// gets a 400 naming the field, and blocks of types this gateway cannot translate come out as `unsupported`.
import { z } from 'zod';

const cacheControl = z.looseObject({ type: z.string() }).nullish();

const base64Source = z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) });
const urlSource = z.looseObject({ type: z.literal('url'), url: z.string().min(1) });
const fileSource = z.looseObject({ type: z.literal('file'), file_id: z.string().min(1) });
const plainTextSource = z.looseObject({ type: z.literal('text'), data: z.string(), media_type: z.string().optional() });

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string(), cache_control: cacheControl });
const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64Source, urlSource, fileSource]),
  cache_control: cacheControl,
});
const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    base64Source,
    urlSource,
    fileSource,
    plainTextSource,
    z.looseObject({ type: z.literal('content'), content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]) }),
  ]),
  title: z.string().nullish(),
  cache_control: cacheControl,
});
const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

export type TextBlock = z.infer<typeof textBlock>;
export type ImageBlock = z.infer<typeof imageBlock>;
export type DocumentBlock = z.infer<typeof documentBlock>;
/** A block of a type the translation does not know (server tool results, containers, …); passthrough keeps it. */
export interface UnsupportedBlock {
  readonly type: 'unsupported';
  readonly originalType: string;
}

/** Parses one block with the schema of its type; unknown types become UnsupportedBlock. */
function blockParser<Known extends { type: string }>(schemas: Readonly<Record<string, z.ZodType<Known>>>) {
  return z.looseObject({ type: z.string().min(1) }).transform((value, context): Known | UnsupportedBlock => {
    const schema = schemas[value.type];
    if (!schema) return { type: 'unsupported', originalType: value.type };
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) context.issues.push({ code: 'custom', message: issue.message, path: issue.path, input: value });
    return z.NEVER;
  });
}

const toolResultContentBlock = blockParser<TextBlock | ImageBlock | DocumentBlock>({ text: textBlock, image: imageBlock, document: documentBlock });
export type ToolResultContentBlock = z.infer<typeof toolResultContentBlock>;

const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(toolResultContentBlock)]).optional(),
  is_error: z.boolean().nullish(),
  cache_control: cacheControl,
});

export type ToolUseBlock = z.infer<typeof toolUseBlock>;
export type ToolResultBlock = z.infer<typeof toolResultBlock>;
export type ThinkingBlock = z.infer<typeof thinkingBlock>;
export type RedactedThinkingBlock = z.infer<typeof redactedThinkingBlock>;
type KnownBlock = TextBlock | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock | RedactedThinkingBlock;

const contentBlock = blockParser<KnownBlock>({
  text: textBlock,
  image: imageBlock,
  document: documentBlock,
  tool_use: toolUseBlock,
  tool_result: toolResultBlock,
  thinking: thinkingBlock,
  redacted_thinking: redactedThinkingBlock,
});
export type ContentBlock = z.infer<typeof contentBlock>;

const messageSchema = z.looseObject({
  // 'system' is not Anthropic's, but Claude Code sends it inside messages for model names it does not know (any
  // route alias or provider/model): it is kept as a system message where it stands (hoisted into `system` for
  // an Anthropic upstream, which would refuse it)
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(contentBlock)]),
});
export type InboundMessage = z.infer<typeof messageSchema>;

const toolSchema = z.looseObject({
  name: z.string().min(1).max(128),
  /** absent or "custom" for a client tool; anything else is a server or Anthropic-defined tool */
  type: z.string().nullish(),
  description: z.string().nullish(),
  input_schema: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
  cache_control: cacheControl,
});
export type InboundTool = z.infer<typeof toolSchema>;

const parallel = { disable_parallel_tool_use: z.boolean().nullish() };
const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...parallel }),
  z.looseObject({ type: z.literal('any'), ...parallel }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...parallel }),
  z.looseObject({ type: z.literal('none') }),
]);

const thinkingSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().positive() }),
  z.looseObject({ type: z.literal('adaptive') }),
  z.looseObject({ type: z.literal('disabled') }),
]);

const countTokensShape = {
  model: z.string().min(1).max(512),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(textBlock)]).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: thinkingSchema.nullish(),
  output_config: z
    .looseObject({
      effort: z.string().nullish(),
      format: z.looseObject({ type: z.string(), schema: z.record(z.string(), z.unknown()).nullish() }).nullish(),
    })
    .nullish(),
  mcp_servers: z.array(z.unknown()).nullish(),
};

export const countTokensRequestSchema = z.looseObject(countTokensShape);
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;

export const messagesRequestSchema = z.looseObject({
  ...countTokensShape,
  max_tokens: z.number().int().positive(),
  stream: z.boolean().nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
