'use client';

import type { LoginBody, Problem, WhoAmI } from '@modelgate/contracts';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { buttonClasses } from '@/components/button';
import { Field, fieldAria, inputClasses } from '@/components/form-field';
import { callApi, PROXY_BASE } from '@/lib/browser-api';

type FieldErrors = Partial<Record<'email' | 'password', string>>;

/** Too many attempts: the API said how long to wait (Retry-After), and the form counts it down. */
interface Throttle {
  until: number;
}

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<Problem>();
  const [throttle, setThrottle] = useState<Throttle>();
  const [secondsLeft, setSecondsLeft] = useState(0);
  const [signingIn, setSigningIn] = useState(false);
  const passwordInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!throttle) return;
    const tick = () => {
      const left = Math.max(0, Math.ceil((throttle.until - Date.now()) / 1000));
      setSecondsLeft(left);
      if (left === 0) setThrottle(undefined);
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [throttle]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {
      email: email.trim() ? undefined : 'Enter your email address',
      password: password ? undefined : 'Enter your password',
    };
    setErrors(found);
    if (found.email || found.password) return;

    setSigningIn(true);
    setProblem(undefined);
    const body: LoginBody = { email: email.trim(), password };
    const result = await callApi<WhoAmI>('POST', `${PROXY_BASE}/auth/login`, body);
    if (result.ok) {
      router.replace(next);
      return;
    }
    setSigningIn(false);
    if (result.problem.status === 429) {
      setThrottle({ until: Date.now() + (result.retryAfterSeconds ?? 60) * 1000 });
      return;
    }
    setProblem(result.problem);
    if (result.problem.status === 401) {
      // The usual mistake is the password: keep the email, start the password again.
      setPassword('');
      passwordInput.current?.focus();
    }
  }

  const waiting = throttle !== undefined && secondsLeft > 0;
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Sign in"
      className="grid gap-5 rounded-xl border border-zinc-200 bg-white p-6 shadow-xs"
    >
      <Field id="login-email" label="Email" error={errors.email}>
        <input
          id="login-email"
          type="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          autoComplete="username"
          autoFocus
          className={inputClasses(Boolean(errors.email))}
          {...fieldAria('login-email', false, errors.email)}
        />
      </Field>
      <Field id="login-password" label="Password" error={errors.password}>
        <input
          ref={passwordInput}
          id="login-password"
          type="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          autoComplete="current-password"
          className={inputClasses(Boolean(errors.password))}
          {...fieldAria('login-password', false, errors.password)}
        />
      </Field>

      {waiting ? (
        <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-semibold">Too many sign-in attempts</p>
          {/* The API's detail names the wait as it was when refused; the countdown keeps it current. */}
          <p className="mt-1">
            After repeated failures, sign-ins for this account or from this address pause for a while. Try again in{' '}
            <span className="font-medium tabular-nums">{formatWait(secondsLeft)}</span>.
          </p>
        </div>
      ) : problem ? (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-semibold first-letter:uppercase">{signInFailure(problem)}</p>
          {problem.status === 401 ? (
            <p className="mt-1 text-red-800">Check both and try again; an admin can set a new password for you.</p>
          ) : null}
        </div>
      ) : null}

      <button type="submit" disabled={signingIn || waiting} className={buttonClasses('primary', 'w-full py-2')}>
        {signingIn ? 'Signing in…' : waiting ? `Wait ${formatWait(secondsLeft)}` : 'Sign in'}
      </button>
    </form>
  );
}

function signInFailure(problem: Problem): string {
  if (problem.status === 0) return problem.detail;
  if (problem.detail) return problem.detail;
  return `The API answered ${problem.status} ${problem.title}`;
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
