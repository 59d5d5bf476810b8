// A searchable model picker in the ARIA combobox pattern (an editable input owning a listbox popup): typing
// filters the live list, ↑/↓ move through it, Enter takes the highlighted model (or the typed name when nothing is
// highlighted), Escape closes the list and then clears the field. The input keeps focus throughout; the highlighted
// option is announced through aria-activedescendant. Options come grouped: route aliases, then one group per provider.
import { useEffect, useId, useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
import { filterModelOptions, type ModelOption } from '../features/models/model-catalog';
import './model-combobox.css';

export interface ModelComboboxProps {
  readonly label: string;
  /** the label is read by screen readers only (the surrounding fieldset says what the field is) */
  readonly labelHidden?: boolean;
  readonly value: string;
  readonly onValueChange: (text: string) => void;
  /** a model was chosen from the list, or a typed name was entered (the caller decides whether it is valid) */
  readonly onCommit: (value: string) => void;
  readonly options: readonly ModelOption[];
  readonly loading?: boolean;
  /** called when the list opens, e.g. to refresh a stale catalog */
  readonly onOpen?: () => void;
  readonly placeholder?: string;
  readonly disabled?: boolean;
  /** whether a name not in the list may be entered (shown as a hint when nothing matches) */
  readonly allowTyped?: boolean;
  readonly hint?: ReactNode;
}

interface Group {
  readonly name: string;
  /** `position`: the option's place in the list as shown, which ↑/↓ walk */
  readonly entries: ReadonlyArray<{ readonly option: ModelOption; readonly position: number }>;
}

function groupsOf(options: readonly ModelOption[]): Group[] {
  const groups: Array<{ name: string; options: ModelOption[] }> = [];
  for (const option of options) {
    let group = groups.find((candidate) => candidate.name === option.group);
    if (!group) {
      group = { name: option.group, options: [] };
      groups.push(group);
    }
    group.options.push(option);
  }
  let position = 0;
  return groups.map((group) => ({ name: group.name, entries: group.options.map((option) => ({ option, position: position++ })) }));
}

export function ModelCombobox({
  label,
  labelHidden = false,
  value,
  onValueChange,
  onCommit,
  options,
  loading = false,
  onOpen,
  placeholder,
  disabled = false,
  allowTyped = true,
  hint,
}: ModelComboboxProps) {
  const baseId = useId();
  const inputId = `${baseId}-input`;
  const listboxId = `${baseId}-listbox`;
  const hintId = `${baseId}-hint`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  const groups = useMemo(() => groupsOf(filterModelOptions(options, value)), [options, value]);
  const flat = useMemo(() => groups.flatMap((group) => group.entries.map((entry) => entry.option)), [groups]);
  const optionId = (index: number): string => `${baseId}-option-${index}`;

  useEffect(() => {
    if (!open || active < 0) return;
    const element = document.getElementById(`${baseId}-option-${active}`);
    if (element && typeof element.scrollIntoView === 'function') element.scrollIntoView({ block: 'nearest' });
  }, [active, open, baseId]);

  const show = (): void => {
    if (!open) onOpen?.();
    setOpen(true);
  };
  const close = (): void => {
    setOpen(false);
    setActive(-1);
  };
  const commit = (chosen: string): void => {
    close();
    onCommit(chosen);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    switch (event.key) {
      case 'ArrowDown': {
        event.preventDefault();
        if (!open) {
          show();
          if (!event.altKey) setActive(flat.length > 0 ? 0 : -1);
          return;
        }
        setActive((current) => (flat.length === 0 ? -1 : (current + 1) % flat.length));
        return;
      }
      case 'ArrowUp': {
        event.preventDefault();
        if (!open) show();
        setActive((current) => (flat.length === 0 ? -1 : current <= 0 ? flat.length - 1 : current - 1));
        return;
      }
      case 'Enter': {
        event.preventDefault();
        const chosen = open && active >= 0 ? flat[active] : undefined;
        if (chosen) commit(chosen.value);
        else if (value.trim() !== '') commit(value.trim());
        return;
      }
      case 'Escape': {
        if (open) {
          // the list closes, not the dialog around it
          event.preventDefault();
          event.stopPropagation();
          close();
        } else if (value !== '') {
          event.preventDefault();
          onValueChange('');
        }
        return;
      }
      case 'Tab':
        close();
        return;
      default:
    }
  };

  const searching = open && !disabled;
  // expanded only while the list is shown: an open field with no match shows a hint, not an empty popup
  const expanded = searching && flat.length > 0;
  const status = !searching
    ? ''
    : loading && options.length === 0
      ? 'Loading models…'
      : flat.length === 0
        ? allowTyped && value.trim() !== ''
          ? `No listed model matches. Press Enter to use “${value.trim()}”.`
          : 'No model matches.'
        : `${flat.length} model${flat.length === 1 ? '' : 's'} listed.`;
  return (
    <div className="combobox">
      <label htmlFor={inputId} className={labelHidden ? 'visually-hidden' : 'combobox-label'}>
        {label}
      </label>
      <input
        id={inputId}
        type="text"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={listboxId}
        aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
        aria-describedby={hint ? hintId : undefined}
        autoComplete="off"
        spellCheck={false}
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        onChange={(event) => {
          onValueChange(event.target.value);
          show();
          setActive(-1);
        }}
        onFocus={show}
        onClick={show}
        onBlur={close}
        onKeyDown={onKeyDown}
      />
      <div
        id={listboxId}
        role="listbox"
        aria-label="Suggested models"
        className="combobox-list"
        hidden={!expanded}
        // scrolling the list with the mouse must not take the focus from the input (which would close it)
        onMouseDown={(event) => event.preventDefault()}
      >
        {groups.map((group, groupIndex) => (
          <div key={group.name} role="group" aria-labelledby={`${baseId}-group-${groupIndex}`} className="combobox-group">
            <div role="presentation" id={`${baseId}-group-${groupIndex}`} className="combobox-group-name">
              {group.name}
            </div>
            {group.entries.map(({ option, position: index }) => {
              return (
                <div
                  key={option.value}
                  id={optionId(index)}
                  role="option"
                  aria-label={option.value}
                  aria-selected={index === active}
                  aria-describedby={`${optionId(index)}-detail`}
                  className={`combobox-option${index === active ? ' active' : ''}`}
                  onMouseEnter={() => setActive(index)}
                  onClick={() => commit(option.value)}
                >
                  <code className="combobox-option-name">{option.value}</code>
                  <span className="combobox-option-detail" id={`${optionId(index)}-detail`}>
                    {option.detail}
                  </span>
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {status}
      </p>
      {searching && flat.length === 0 && status !== '' && (
        <p className="combobox-empty hint" aria-hidden="true">
          {status}
        </p>
      )}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}
