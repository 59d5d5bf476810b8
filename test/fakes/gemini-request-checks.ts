// The checks Google's front end makes on a generateContent body before any model runs, with Google's wording:
// unknown field names (proto JSON parsing), empty contents and parts, bad roles, fields that exclude each other,
// and the thought-signature rule of Gemini 3 models. The fake answers a failed check with a 400 INVALID_ARGUMENT.

type Json = Record<string, unknown>;

// proto JSON accepts both lowerCamelCase and snake_case names
const fields = (...names: string[]): Set<string> => new Set(names.flatMap((name) => [name, name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)]));

const requestFields = fields('model', 'contents', 'tools', 'toolConfig', 'safetySettings', 'systemInstruction', 'generationConfig', 'cachedContent', 'labels');
const contentFields = fields('role', 'parts');
const partFields = fields(
  'text',
  'inlineData',
  'functionCall',
  'functionResponse',
  'fileData',
  'executableCode',
  'codeExecutionResult',
  'thought',
  'thoughtSignature',
  'videoMetadata',
  'partMetadata',
  'mediaResolution',
);
const generationFields = fields(
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'enableEnhancedCivicAnswers',
  'speechConfig',
  'thinkingConfig',
  'imageConfig',
  'mediaResolution',
);
const thinkingFields = fields('includeThoughts', 'thinkingBudget', 'thinkingLevel');
const toolFields = fields(
  'functionDeclarations',
  'googleSearchRetrieval',
  'codeExecution',
  'googleSearch',
  'urlContext',
  'computerUse',
  'fileSearch',
  'googleMaps',
);
const declarationFields = fields('name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior');
const toolConfigFields = fields('functionCallingConfig', 'retrievalConfig');
const callingConfigFields = fields('mode', 'allowedFunctionNames');
const dataParts = [
  'text',
  'inlineData',
  'inline_data',
  'functionCall',
  'function_call',
  'functionResponse',
  'function_response',
  'fileData',
  'file_data',
  'executableCode',
  'codeExecutionResult',
];

export class RequestCheckError extends Error {}

function unknownFields(value: Json, known: Set<string>, at: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new RequestCheckError(`Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`);
  }
}

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

const pick = (value: Json, camel: string): unknown => value[camel] ?? value[camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];

/** Throws RequestCheckError with Google's message; returns nothing when the body would be accepted. */
export function checkGenerateRequest(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestCheckError('Invalid JSON payload received. Expected an object.');
  const request = body as Json;
  unknownFields(request, requestFields, '');
  const contents = pick(request, 'contents');
  if (!Array.isArray(contents) || contents.length === 0) throw new RequestCheckError('* GenerateContentRequest.contents: contents is not specified\n');
  contents.forEach((entry, contentIndex) => checkContent(record(entry), `contents[${contentIndex}]`, true));
  const system = pick(request, 'systemInstruction');
  if (system !== undefined) checkContent(record(system), 'system_instruction', false);
  const generation = record(pick(request, 'generationConfig'));
  unknownFields(generation, generationFields, 'generation_config');
  const thinking = record(pick(generation, 'thinkingConfig'));
  unknownFields(thinking, thinkingFields, 'generation_config.thinking_config');
  if (pick(thinking, 'thinkingBudget') !== undefined && pick(thinking, 'thinkingLevel') !== undefined) {
    throw new RequestCheckError('You can only set only one of thinking budget and thinking level.');
  }
  if (pick(generation, 'responseSchema') !== undefined && pick(generation, 'responseJsonSchema') !== undefined) {
    throw new RequestCheckError('* GenerateContentRequest.generation_config: response_schema and response_json_schema cannot both be set.\n');
  }
  if (pick(generation, 'responseJsonSchema') !== undefined && pick(generation, 'responseMimeType') !== 'application/json') {
    throw new RequestCheckError(
      '* GenerateContentRequest.generation_config.response_mime_type: response_mime_type must be application/json when a response schema is set.\n',
    );
  }
  const tools = pick(request, 'tools');
  if (tools !== undefined && !Array.isArray(tools)) throw new RequestCheckError("Invalid JSON payload received. Expected an array at 'tools'.");
  (Array.isArray(tools) ? tools : []).forEach((tool, toolIndex) => {
    unknownFields(record(tool), toolFields, `tools[${toolIndex}]`);
    const declarations = pick(record(tool), 'functionDeclarations');
    (Array.isArray(declarations) ? declarations : []).forEach((entry, declarationIndex) => {
      const declaration = record(entry);
      const at = `tools[${toolIndex}].function_declarations[${declarationIndex}]`;
      unknownFields(declaration, declarationFields, at);
      if (typeof declaration['name'] !== 'string' || declaration['name'] === '')
        throw new RequestCheckError(`* GenerateContentRequest.${at}.name: Name cannot be empty.\n`);
      if (pick(declaration, 'parameters') !== undefined && pick(declaration, 'parametersJsonSchema') !== undefined) {
        throw new RequestCheckError(`* GenerateContentRequest.${at}: parameters and parameters_json_schema are mutually exclusive.\n`);
      }
    });
  });
  const toolConfig = record(pick(request, 'toolConfig'));
  unknownFields(toolConfig, toolConfigFields, 'tool_config');
  const callingConfig = record(pick(toolConfig, 'functionCallingConfig'));
  unknownFields(callingConfig, callingConfigFields, 'tool_config.function_calling_config');
  const mode = callingConfig['mode'];
  if (mode !== undefined && !['AUTO', 'ANY', 'NONE', 'VALIDATED', 'MODE_UNSPECIFIED'].includes(String(mode))) {
    throw new RequestCheckError(
      `Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), "${String(mode)}"`,
    );
  }
}

function checkContent(content: Json, at: string, roleRequired: boolean): void {
  unknownFields(content, contentFields, at);
  const role = content['role'];
  if (roleRequired && role !== undefined && role !== 'user' && role !== 'model') throw new RequestCheckError('Please use a valid role: user, model.');
  const parts = content['parts'];
  if (!Array.isArray(parts) || parts.length === 0) throw new RequestCheckError(`* GenerateContentRequest.${at}.parts: contents.parts must not be empty.\n`);
  parts.forEach((entry, partIndex) => {
    const part = record(entry);
    const partAt = `${at}.parts[${partIndex}]`;
    unknownFields(part, partFields, partAt);
    const present = dataParts.filter((name) => part[name] !== undefined);
    if (present.length === 0)
      throw new RequestCheckError(`* GenerateContentRequest.${partAt}.data: required oneof field 'data' must have one initialized field\n`);
    if (present.length > 1)
      throw new RequestCheckError(`* GenerateContentRequest.${partAt}.data: oneof field 'data' is already set. Cannot set '${present[1] ?? ''}'\n`);
    const call = pick(part, 'functionCall');
    if (call !== undefined) {
      const args = record(call)['args'];
      if (typeof record(call)['name'] !== 'string')
        throw new RequestCheckError(`* GenerateContentRequest.${partAt}.function_call.name: Name cannot be empty.\n`);
      if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
        throw new RequestCheckError(`Invalid JSON payload received. Expected an object at '${partAt}.function_call.args'.`);
      }
    }
    const response = pick(part, 'functionResponse');
    if (response !== undefined) {
      if (typeof record(response)['name'] !== 'string' || record(response)['name'] === '')
        throw new RequestCheckError(`* GenerateContentRequest.${partAt}.function_response.name: Name cannot be empty.\n`);
      const value = record(response)['response'];
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new RequestCheckError(`Invalid JSON payload received. Expected an object at '${partAt}.function_response.response'.`);
    }
    const inline = pick(part, 'inlineData');
    if (inline !== undefined) {
      const data = record(inline)['data'];
      if (typeof data !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(data))
        throw new RequestCheckError(`Invalid value at '${partAt}.inline_data.data' (TYPE_BYTES), Base64 decoding failed`);
      if (typeof pick(record(inline), 'mimeType') !== 'string')
        throw new RequestCheckError(`* GenerateContentRequest.${partAt}.inline_data.mime_type: mime_type must be specified.\n`);
    }
  });
}

/**
 * Gemini 3 validates thought signatures on the current turn (the contents after the last user message that is not
 * only function responses): the first function call of every model step there must carry the signature it came
 * with, or Google's placeholder. `issued` holds the signatures this fake handed out.
 */
export function checkThoughtSignatures(body: unknown, issued: ReadonlySet<string>): void {
  const contents = Array.isArray(record(body)['contents']) ? (record(body)['contents'] as unknown[]).map(record) : [];
  const isUserMessage = (content: Json): boolean =>
    content['role'] !== 'model' &&
    (Array.isArray(content['parts']) ? (content['parts'] as unknown[]) : []).some((part) => pick(record(part), 'functionResponse') === undefined);
  let start = 0;
  contents.forEach((content, index) => {
    if (isUserMessage(content)) start = index + 1;
  });
  contents.slice(start).forEach((content) => {
    if (content['role'] !== 'model') return;
    const parts = (Array.isArray(content['parts']) ? (content['parts'] as unknown[]) : []).map(record);
    const firstCall = parts.findIndex((part) => pick(part, 'functionCall') !== undefined);
    if (firstCall === -1) return;
    const part = parts[firstCall] ?? {};
    const signature = pick(part, 'thoughtSignature');
    const name = String(record(pick(part, 'functionCall'))['name']);
    if (signature === undefined) {
      throw new RequestCheckError(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${firstCall + 1}. please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
    if (signature !== 'skip_thought_signature_validator' && !issued.has(String(signature))) {
      throw new RequestCheckError(
        `fake Gemini: the thought_signature of function call \`${name}\` was not issued by this server (a signature must come back exactly as it was received).`,
      );
    }
  });
}
