// One uPlot chart (decision 0004): uPlot loaded on demand (`loadUplot`), drawn into a canvas when
// mounted, redrawn when its data or options change, sized to its box and destroyed when
// unmounted. `data-drawn` says whether uPlot drew it (the real-window tests look for it under the
// frozen Object.prototype).
import { useEffect, useRef, useState } from "react";
import type uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import { loadUplot } from "./loadUplot";

export function TimeChart({
  data,
  options,
  label,
  testId,
}: {
  data: uPlot.AlignedData;
  options: (width: number, u: typeof uPlot) => uPlot.Options;
  label: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlot | undefined;
    let resized: ResizeObserver | undefined;
    let gone = false;
    const width = () => Math.max(240, Math.floor(el.clientWidth || 560));
    void loadUplot().then((UPlot) => {
      if (gone) return;
      const drawnPlot = new UPlot(options(width(), UPlot), data, el);
      plot = drawnPlot;
      setDrawn(true);
      resized = new ResizeObserver(() => drawnPlot.setSize({ width: width(), height: drawnPlot.height }));
      resized.observe(el);
    });
    return () => {
      gone = true;
      resized?.disconnect();
      plot?.destroy();
      setDrawn(false);
    };
  }, [data, options]);
  return <div ref={box} role="img" aria-label={label} data-testid={testId} data-drawn={drawn ? "true" : "false"} />;
}
