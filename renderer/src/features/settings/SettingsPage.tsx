// Settings: general switches, body capture, how long the request log is kept, client tokens, budgets, rate limits,
// and the privacy guard (with the response cache). Setting up a tool (snippets, config files, its token) is the
// Connect page's job; a card here points there.
import { useEffect } from 'react';
import { useAppStore } from '../../app/stores';
import { PageHeader } from '../../ui/PageHeader';
import { BudgetsSection } from './BudgetsSection';
import { CaptureSection } from './CaptureSection';
import { GeneralSection } from './GeneralSection';
import { LimitsSection } from './LimitsSection';
import { PrivacySection } from './PrivacySection';
import { RequestLogSection } from './RequestLogSection';
import { TokensSection } from './TokensSection';
import './settings.css';

export function SettingsPage() {
  const refresh = useAppStore('settings', (state) => state.refresh);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const go = useAppStore('navigation', (state) => state.go);
  return (
    <>
      <PageHeader title="Settings" />
      <div className="settings-grid">
        <GeneralSection />
        <CaptureSection />
        <RequestLogSection />
        <TokensSection />
        <BudgetsSection />
        <LimitsSection />
        <PrivacySection />
        <section className="card" aria-labelledby="connect-pointer-title">
          <h2 id="connect-pointer-title">Point your tools at Switchyard</h2>
          <p className="muted">
            Claude Code, Codex, Gemini CLI, Continue, Cursor, Aider, the SDKs and more: the set-up for each, with its own client token, is on the Connect page.
          </p>
          <button type="button" className="button" onClick={() => go('connect')}>
            Open Connect
          </button>
        </section>
      </div>
    </>
  );
}
