// One uPlot chart (decision 0004): drawn into a canvas when mounted, redrawn when its data or
// options change, sized to its box and destroyed when unmounted. `data-drawn` says whether uPlot
// drew it (the real-window tests look for it under the frozen Object.prototype).
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export function TimeChart({
  data,
  options,
  label,
  testId,
}: {
  data: uPlot.AlignedData;
  options: (width: number) => uPlot.Options;
  label: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, Math.floor(el.clientWidth || 560));
    const plot = new uPlot(options(width()), data, el);
    setDrawn(true);
    const resized = new ResizeObserver(() => plot.setSize({ width: width(), height: plot.height }));
    resized.observe(el);
    return () => {
      resized.disconnect();
      plot.destroy();
      setDrawn(false);
    };
  }, [data, options]);
  return <div ref={box} role="img" aria-label={label} data-testid={testId} data-drawn={drawn ? "true" : "false"} />;
}
