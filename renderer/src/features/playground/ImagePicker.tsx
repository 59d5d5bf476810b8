// An optional image sent with the prompt (vision models): read here into a data: URL, capped in size, shown as a
// thumbnail. It goes to the gateway in the request body only; the history keeps just the fact that there was one.
import { useId, useState } from 'react';
import { formatTokens } from '../../format/numbers';
import { maximumImageBytes, type AttachedImage } from './playground-types';

const acceptedTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export function ImagePicker({
  image,
  onChange,
  disabled,
}: {
  readonly image: AttachedImage | null;
  readonly onChange: (image: AttachedImage | null) => void;
  readonly disabled: boolean;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const fieldId = useId();
  const choose = (file: File | undefined): void => {
    setProblem(null);
    if (!file) return;
    if (!acceptedTypes.includes(file.type)) return setProblem('Choose a PNG, JPEG, GIF or WebP image.');
    if (file.size > maximumImageBytes) return setProblem(`That image is ${formatTokens(file.size)}B; the limit is ${formatTokens(maximumImageBytes)}B.`);
    const reader = new FileReader();
    reader.onload = () => {
      const dataUrl = typeof reader.result === 'string' ? reader.result : '';
      if (dataUrl.startsWith('data:image/')) onChange({ name: file.name, bytes: file.size, dataUrl });
      else setProblem('Could not read that image.');
    };
    reader.onerror = () => setProblem('Could not read that image.');
    reader.readAsDataURL(file);
  };
  return (
    <div className="field image-picker">
      <label htmlFor={`${fieldId}-image`}>Image (optional)</label>
      {image ? (
        <div className="image-attached">
          <img src={image.dataUrl} alt={`Attached: ${image.name}`} className="image-thumbnail" />
          <span className="truncate">{image.name}</span>
          <button type="button" className="button button-quiet" disabled={disabled} onClick={() => onChange(null)}>
            Remove image
          </button>
        </div>
      ) : (
        <input id={`${fieldId}-image`} type="file" accept={acceptedTypes.join(',')} disabled={disabled} onChange={(event) => choose(event.target.files?.[0])} />
      )}
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
