'use client';

import { Action, type PredictResponse, type Problem } from '@modelgate/contracts';
import { type FormEvent, type KeyboardEvent, type ReactNode, useRef, useState } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { NotAllowedButton } from '@/components/not-allowed';
import { ProblemAlert } from '@/components/problem-alert';
import { useCan } from '@/components/session-provider';
import { callApi, endpointPath } from '@/lib/browser-api';
import { formatRequestJson, type PredictExample } from '@/lib/predict-example';

/** One version the active revision routes to, with the example request built for it. */
export interface RoutedExample {
  model: string;
  version: number;
  weight: number;
  /** Built from its signature or its saved sample input; absent when its details could not be loaded. */
  example?: PredictExample & { fromSample: boolean };
}

interface TryItConsoleProps {
  endpoint: string;
  /** Heaviest first: the first is the one most requests reach, and fills the body at first. */
  routes: RoutedExample[];
}

/** Who answered, from the API's `X-Modelgate-*` response headers. */
interface ServedBy {
  model: string | null;
  version: string | null;
  revision: string | null;
  placement: string | null;
  /** "true" when this request paid a model load. */
  coldStart: string | null;
  /** How many requests shared the run. */
  batchSize: string | null;
}

type Outcome =
  | { kind: 'answered'; status: number; latencyMs: number; response: PredictResponse; servedBy: ServedBy }
  | { kind: 'refused'; latencyMs: number; problem: Problem; retryAfterSeconds?: number };

/** The pin select's "no pin" value: the endpoint's weights choose the version. */
const BY_WEIGHT = '';

const EMPTY_BODY = '{\n  "inputs": {}\n}';

/**
 * Sends a prediction as the signed-in person (session cookie + CSRF token, through the
 * dashboard's proxy) and shows what came back: the outputs, which version of which revision
 * answered on which placement, and the round trip as this browser measured it. The body is sent
 * exactly as typed, so a mistake gets the API's own 400, the one an application would get.
 */
export function TryItConsole({ endpoint, routes }: TryItConsoleProps) {
  const allowed = useCan(Action.predict, { endpoint });
  if (!allowed.allowed) return <NotAllowedButton label="Send request" reason={allowed.reason} variant="primary" />;
  return <PredictConsole endpoint={endpoint} routes={routes} />;
}

function PredictConsole({ endpoint, routes }: TryItConsoleProps) {
  const pinChoices = pinChoicesOf(routes);
  const [pin, setPin] = useState(BY_WEIGHT);
  const exampleSource = exampleSourceFor(routes, pin);
  const example = exampleSource?.example;
  const [body, setBody] = useState(example?.body ?? EMPTY_BODY);
  const [outcome, setOutcome] = useState<Outcome>();
  const [sending, setSending] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  function choosePin(next: string) {
    // An untouched body follows the pinned version's signature; an edited one is left alone.
    const nextExample = exampleSourceFor(routes, next)?.example;
    if (nextExample && body === (example?.body ?? EMPTY_BODY)) setBody(nextExample.body);
    setPin(next);
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    setSending(true);
    const started = performance.now();
    const result = await callApi<PredictResponse>('POST', `${endpointPath(endpoint)}/predict`, body, {
      bodyIsJsonText: true,
      headers: pin === BY_WEIGHT ? {} : { 'x-modelgate-version': pin },
    });
    const latencyMs = performance.now() - started;
    setSending(false);
    if (!result.ok) {
      setOutcome({
        kind: 'refused',
        latencyMs,
        problem: result.problem,
        ...(result.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: result.retryAfterSeconds }),
      });
      return;
    }
    const header = (name: string) => result.headers.get(name);
    setOutcome({
      kind: 'answered',
      status: result.status,
      latencyMs,
      response: result.data,
      servedBy: {
        model: header('x-modelgate-model'),
        version: header('x-modelgate-version'),
        revision: header('x-modelgate-revision'),
        placement: header('x-modelgate-placement'),
        coldStart: header('x-modelgate-cold-start'),
        batchSize: header('x-modelgate-batch-size'),
      },
    });
  }

  function sendOnCtrlEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.current?.requestSubmit();
    }
  }

  const lines = body.split('\n').length;
  return (
    <div className="grid gap-4">
      <form
        ref={form}
        onSubmit={send}
        noValidate
        aria-label="Try a prediction"
        className="grid gap-5 rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-6"
      >
        <Field
          id="try-it-body"
          label="Request body (JSON)"
          hint={
            <>
              {exampleSource && example ? (
                example.fromSample ? (
                  <>
                    Starts as the sample input saved with{' '}
                    <span className="font-mono">
                      {exampleSource.model}@v{exampleSource.version}
                    </span>
                    .{' '}
                  </>
                ) : (
                  <>
                    Built from the signature of{' '}
                    <span className="font-mono">
                      {exampleSource.model}@v{exampleSource.version}
                    </span>
                    : zeros of each input&apos;s shape, symbolic dimensions as 1.{' '}
                  </>
                )
              ) : null}
              Sent exactly as written, as you. Ctrl+Enter sends.
            </>
          }
        >
          <textarea
            id="try-it-body"
            rows={Math.min(16, Math.max(6, lines + 1))}
            value={body}
            onChange={(event) => setBody(event.target.value)}
            onKeyDown={sendOnCtrlEnter}
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            className={inputClasses(false, 'font-mono text-[13px] leading-relaxed')}
            {...fieldAria('try-it-body', true, undefined)}
          />
        </Field>
        {example && example.notes.length > 0 ? (
          <ul className="-mt-3 list-disc pl-5 text-xs text-zinc-600">
            {example.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        ) : null}

        <div className="flex flex-wrap items-end gap-x-4 gap-y-3">
          <div className="w-full sm:w-72">
            <Field id="try-it-pin" label="Pin version" hint="Sends X-Modelgate-Version; without it the traffic split chooses.">
              <select
                id="try-it-pin"
                value={pin}
                onChange={(event) => choosePin(event.target.value)}
                className={inputClasses(false, 'font-mono')}
                {...fieldAria('try-it-pin', true, undefined)}
              >
                <option value={BY_WEIGHT}>No pin — by weight</option>
                {pinChoices.map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          {/* Lined up with the select's box, above its hint. */}
          <div className="flex flex-wrap gap-2 sm:mb-6">
            <button type="submit" disabled={sending} className={buttonClasses('primary')}>
              {sending ? 'Sending…' : 'Send request'}
            </button>
            {example && body !== example.body ? (
              <button type="button" onClick={() => setBody(example.body)} className={buttonClasses('secondary')}>
                Reset body
              </button>
            ) : null}
          </div>
        </div>
      </form>

      {/* Always in the page, so each new answer is announced. */}
      <div aria-live="polite">{outcome ? <OutcomeView outcome={outcome} /> : null}</div>
    </div>
  );
}

function OutcomeView({ outcome }: { outcome: Outcome }) {
  const latency = <Fact label="Latency">{formatLatency(outcome.latencyMs)}</Fact>;
  if (outcome.kind === 'refused') {
    const { problem, retryAfterSeconds } = outcome;
    return (
      <section aria-label="Response" className="grid gap-3">
        <dl className="flex flex-wrap gap-x-8 gap-y-3 rounded-xl border border-zinc-200 bg-white px-5 py-4 shadow-xs">
          <Fact label="Status">{problem.status > 0 ? problem.status : 'no answer'}</Fact>
          {latency}
        </dl>
        <ProblemAlert heading={problem.status >= 500 || problem.status === 0 ? 'The prediction failed' : 'The request was refused'} problem={problem} />
        {retryAfterSeconds !== undefined ? (
          <p className="text-sm text-zinc-600">
            The API asks to retry after {retryAfterSeconds} s (<code className="font-mono">Retry-After</code>).
          </p>
        ) : null}
      </section>
    );
  }

  const { servedBy } = outcome;
  return (
    <section aria-label="Response" className="grid gap-3">
      <dl className="flex flex-wrap gap-x-8 gap-y-3 rounded-xl border border-zinc-200 bg-white px-5 py-4 shadow-xs">
        <Fact label="Status">
          <span className="text-emerald-700">{outcome.status}</span>
        </Fact>
        {latency}
        <Fact label="Answered by">
          <span className="font-mono">{servedBy.model && servedBy.version ? `${servedBy.model}@v${servedBy.version}` : 'not reported'}</span>
        </Fact>
        <Fact label="Revision">{servedBy.revision ?? 'not reported'}</Fact>
        <Fact label="Placement">{servedBy.placement ?? 'not reported'}</Fact>
        <Fact label="Model load">{servedBy.coldStart === null ? 'not reported' : servedBy.coldStart === 'true' ? 'cold start (loaded for this request)' : 'already loaded'}</Fact>
        <Fact label="Batch">{servedBy.batchSize === null ? 'not reported' : servedBy.batchSize === '1' ? 'ran alone' : `shared a run with ${Number(servedBy.batchSize) - 1} other request(s)`}</Fact>
      </dl>
      <div className="overflow-hidden rounded-xl border border-zinc-800 bg-zinc-950 shadow-xs">
        <p className="border-b border-zinc-800 px-4 py-2 text-xs font-medium text-zinc-400">Response body</p>
        <pre
          aria-label="Response body"
          tabIndex={0}
          className="max-h-96 overflow-auto p-4 font-mono text-[13px] leading-relaxed whitespace-pre-wrap break-all text-zinc-100"
        >
          <code>{formatRequestJson(outcome.response)}</code>
        </pre>
      </div>
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="mt-1 text-sm text-zinc-900 tabular-nums">{children}</dd>
    </div>
  );
}

/**
 * Measured around the request in this browser: the dashboard's proxy, the API, the queue and the
 * model, plus the network between them. Sub-millisecond precision would be noise.
 */
function formatLatency(ms: number): string {
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms).toLocaleString('en-US')} ms`;
}

/**
 * The versions `X-Modelgate-Version` can pin. The header carries a version number only, so routed
 * versions of different models that share a number are one choice (the API takes the first).
 */
function pinChoicesOf(routes: RoutedExample[]): { value: string; label: string }[] {
  const byNumber = new Map<number, RoutedExample[]>();
  for (const route of routes) byNumber.set(route.version, [...(byNumber.get(route.version) ?? []), route]);
  return [...byNumber.entries()]
    .sort(([a], [b]) => a - b)
    .map(([version, sharing]) => ({
      value: String(version),
      label: sharing.map((route) => `${route.model}@v${route.version} (${route.weight}%)`).join(', '),
    }));
}

/**
 * Whose example fills the body: the pinned version, or the heaviest route when nothing is pinned
 * (or when the pinned version's details could not be loaded).
 */
function exampleSourceFor(routes: RoutedExample[], pin: string): RoutedExample | undefined {
  const pinned = pin === BY_WEIGHT ? undefined : routes.find((route) => String(route.version) === pin && route.example);
  return pinned ?? routes.find((route) => route.example);
}
