// Ollama carries images as bare base64 strings; OpenAI's shape wants a data URL with a media type, read here from
// the image's first bytes (PNG, JPEG, GIF, WebP; anything else is sent as PNG and left to the provider to judge).
export function imageDataUrl(base64: string): string {
  const trimmed = base64.trim();
  if (trimmed.startsWith('data:')) return trimmed;
  return `data:${mediaType(trimmed)};base64,${trimmed}`;
}

function mediaType(base64: string): string {
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('R0lGOD')) return 'image/gif';
  if (base64.startsWith('UklGR')) return 'image/webp';
  return 'image/png';
}
