// The tools Switchyard can connect, as a radio group: each says whether Switchyard writes its config file or the
// user pastes a few lines, and whether it is connected already.
import { useId } from 'react';
import type { ConnectToolDto } from '../../../../shared/control/contract';

export function ToolChooser({
  tools,
  selected,
  onSelect,
}: {
  readonly tools: readonly ConnectToolDto[];
  readonly selected: string | null;
  readonly onSelect: (tool: string) => void;
}) {
  const name = useId();
  return (
    <fieldset className="tool-chooser">
      <legend>Tool</legend>
      <div className="tool-grid">
        {tools.map((tool) => (
          <label key={tool.id} className={`tool-option${selected === tool.id ? ' selected' : ''}`}>
            <input type="radio" name={name} value={tool.id} checked={selected === tool.id} onChange={() => onSelect(tool.id)} />
            <span className="tool-option-label">{tool.label}</span>
            <span className="tool-option-detail">
              {tool.kind === 'config-file' ? 'Switchyard writes its config' : 'Paste a few lines'}
              {tool.connected && <span className="tag tag-local">Connected</span>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
