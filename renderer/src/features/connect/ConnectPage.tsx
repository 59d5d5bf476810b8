// Connect: every tool Switchyard knows how to set up (Claude Code, Codex, Gemini CLI, …), one picked at a time.
// The same panel is the first-run screen's last step.
import { useEffect } from 'react';
import { useAppStore } from '../../app/stores';
import { PageHeader } from '../../ui/PageHeader';
import { ResourceView } from '../../ui/states';
import { ToolChooser } from './ToolChooser';
import { ToolConnect } from './ToolConnect';

export function ConnectPage() {
  return (
    <>
      <PageHeader
        title="Connect"
        description="Point a tool at Switchyard: its own client token, the model it asks for, and its config written for you where Switchyard can."
      />
      <ConnectTools />
    </>
  );
}

/** The tool list and the chosen tool's panel (also the first-run screen's "Connect a tool" step). */
export function ConnectTools() {
  const tools = useAppStore('connect', (state) => state.tools);
  const selected = useAppStore('connect', (state) => state.selected);
  const loadTools = useAppStore('connect', (state) => state.loadTools);
  const select = useAppStore('connect', (state) => state.select);
  useEffect(() => {
    void loadTools();
  }, [loadTools]);
  return (
    <ResourceView
      resource={tools}
      onRetry={() => void loadTools()}
      loadingLabel="Loading the tools…"
      isEmpty={(list) => list.length === 0}
      empty={<p className="muted">This Switchyard knows no tools to connect.</p>}
    >
      {(list) => {
        const tool = list.find((candidate) => candidate.id === selected);
        return (
          <div className="connect-layout">
            <ToolChooser tools={list} selected={selected} onSelect={(id) => void select(id)} />
            {tool ? <ToolConnect key={tool.id} tool={tool} /> : <p className="muted connect-pick">Pick a tool to see how it connects.</p>}
          </div>
        );
      }}
    </ResourceView>
  );
}
