// Every inbound dialect's endpoints, for the gateway's route table. A new API surface adds its folder and one line.
import { RouteTable } from '../http/route-table.js';
import { anthropicEndpoints, anthropicFamily } from './anthropic/endpoints.js';
import { geminiEndpoints, geminiFamily, withGeminiMethods } from './gemini/endpoints.js';
import { ollamaEndpoints, ollamaFamily, withOwnListenerAccess } from './ollama/endpoints.js';
import { openAIEndpoints } from './openai/endpoints.js';

export const gatewayRoutes = new RouteTable(
  [...withGeminiMethods(withOwnListenerAccess(openAIEndpoints)), ...anthropicEndpoints, ...ollamaEndpoints, ...geminiEndpoints],
  [ollamaFamily, geminiFamily, anthropicFamily],
);
