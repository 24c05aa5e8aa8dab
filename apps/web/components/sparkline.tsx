'use client';

import { Area, AreaChart, Line, LineChart, YAxis } from 'recharts';

interface SparklineProps {
  /** One value per step, oldest first; null where there was nothing to measure (a gap). */
  values: (number | null)[];
  /** What it shows, for screen readers ("p95 latency per minute, last 15 minutes"). */
  label: string;
  /** `area` for counts (zero is a value), `line` for measurements (gaps stay gaps). */
  kind: 'area' | 'line';
  colour?: string;
}

const WIDTH = 96;
const HEIGHT = 28;

/**
 * A word-sized chart of recent steps: no axes, no tooltip, fixed size (so the server can draw it
 * too and the row never jumps). The exact number sits beside it; this is its shape.
 */
export function Sparkline({ values, label, kind, colour = '#4f46e5' }: SparklineProps) {
  const rows = values.map((value, index) => ({ index, value }));
  const common = { data: rows, width: WIDTH, height: HEIGHT, margin: { top: 2, right: 2, bottom: 2, left: 2 }, accessibilityLayer: false };
  // Zero at the floor, and a flat line of zeros drawn low rather than centred.
  const axis = <YAxis hide domain={[0, (dataMax: number) => dataMax || 1]} />;
  return (
    <span role="img" aria-label={label} className="block" style={{ width: WIDTH, height: HEIGHT }}>
      {kind === 'area' ? (
        <AreaChart {...common}>
          {axis}
          <Area dataKey="value" stroke={colour} fill={colour} fillOpacity={0.15} strokeWidth={1.5} type="monotone" isAnimationActive={false} />
        </AreaChart>
      ) : (
        <LineChart {...common}>
          {axis}
          <Line
            dataKey="value"
            stroke={colour}
            strokeWidth={1.5}
            type="monotone"
            connectNulls={false}
            // A lone measured step draws no segment; a dot shows it.
            dot={(props) =>
              props.cx != null && props.cy != null && rows[props.index]?.value !== null && rows[props.index - 1]?.value == null && rows[props.index + 1]?.value == null ? (
                <circle key={props.index} cx={props.cx} cy={props.cy} r={1.75} fill={colour} />
              ) : null
            }
            isAnimationActive={false}
          />
        </LineChart>
      )}
    </span>
  );
}
