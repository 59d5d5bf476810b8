// Settings: general switches, body capture, how long the request log is kept, client tokens, budgets, and set-up
// snippets for common tools.
import { useEffect } from 'react';
import { useAppStore } from '../../app/stores';
import { PageHeader } from '../../ui/PageHeader';
import { BudgetsSection } from './BudgetsSection';
import { CaptureSection } from './CaptureSection';
import { GeneralSection } from './GeneralSection';
import { RequestLogSection } from './RequestLogSection';
import { SnippetsSection } from './SnippetsSection';
import { TokensSection } from './TokensSection';

export function SettingsPage() {
  const refresh = useAppStore('settings', (state) => state.refresh);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const origin = typeof window !== 'undefined' && window.location.protocol.startsWith('http') ? window.location.origin : undefined;
  return (
    <>
      <PageHeader title="Settings" />
      <div className="settings-grid">
        <GeneralSection />
        <CaptureSection />
        <RequestLogSection />
        <TokensSection />
        <BudgetsSection />
        <SnippetsSection origin={origin} />
      </div>
    </>
  );
}
