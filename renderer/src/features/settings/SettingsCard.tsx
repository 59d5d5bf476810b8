// A Settings card whose form works on the loaded settings: the title, the loading and error states with a retry,
// then the form (General, Request capture, Request log).
import type { ReactNode } from 'react';
import type { SettingsDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { ResourceView } from '../../ui/states';

export function SettingsCard({
  id,
  title,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly children: (settings: SettingsDto) => ReactNode;
}) {
  const settings = useAppStore('settings', (state) => state.settings);
  const refresh = useAppStore('settings', (state) => state.refresh);
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <ResourceView resource={settings} onRetry={() => void refresh()}>
        {children}
      </ResourceView>
    </section>
  );
}
