// The models a provider offers (asked live), with context window and price where known.
import { useEffect } from 'react';
import { useAppStore } from '../../app/stores';
import { emptyResource } from '../../app/resource';
import { formatPricePerMillion } from '../../format/money';
import { formatContextWindow } from '../../format/numbers';
import { ResourceView } from '../../ui/states';

export function ModelsPanel({ providerId }: { readonly providerId: string }) {
  const models = useAppStore('providers', (state) => state.models[providerId]) ?? emptyResource();
  const load = useAppStore('providers', (state) => state.loadModels);
  useEffect(() => {
    void load(providerId);
  }, [load, providerId]);
  return (
    <ResourceView
      resource={models}
      onRetry={() => void load(providerId)}
      loadingLabel="Asking the provider for its models…"
      isEmpty={(list) => list.length === 0}
      empty={<p className="muted">The provider lists no models.</p>}
    >
      {(list) => (
        <table className="data-table compact" aria-label={`Models of ${providerId}`}>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Context</th>
              <th scope="col">Input</th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {list.map((model) => (
              <tr key={model.id}>
                <th scope="row">
                  <code>
                    {providerId}/{model.id}
                  </code>
                </th>
                <td>{formatContextWindow(model.contextWindow)}</td>
                <td>{formatPricePerMillion(model.priceInputPerMillion)}</td>
                <td>{formatPricePerMillion(model.priceOutputPerMillion)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ResourceView>
  );
}
