// The config file's schema. Objects are strict so a misspelt key is an error naming it, not a silent default.
import { z } from 'zod';
import { presetIds } from './presets.js';

export const defaultPort = 5454;

const httpUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

const origin = z.string().refine((value) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'must be an origin such as http://localhost:3000 (scheme, host and port only)');

export const providerConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be lowercase letters, digits, ".", "_" or "-" (it prefixes model names)'),
  type: z.enum(['openai-compatible', 'ollama']).optional(),
  preset: z.enum(presetIds as [string, ...string[]]).optional(),
  base_url: httpUrl.optional(),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  headers: z.record(z.string(), z.string()).optional(),
  locality: z.enum(['local', 'cloud']).optional(),
  models: z.array(z.string().min(1)).optional(),
  enabled: z.boolean().optional(),
});
export type ProviderConfigInput = z.infer<typeof providerConfigSchema>;

export const serverConfigSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  max_body_bytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .optional(),
  max_in_flight: z.number().int().min(1).max(100_000).optional(),
  allowed_origins: z.array(origin).optional(),
  allowed_hosts: z.array(z.string().min(1)).optional(),
  shutdown_grace_ms: z.number().int().min(0).max(600_000).optional(),
});

export const configFileSchema = z.strictObject({
  server: serverConfigSchema.optional(),
  providers: z.array(providerConfigSchema).optional(),
});
export type ConfigFile = z.infer<typeof configFileSchema>;
