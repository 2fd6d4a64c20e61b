// The subset of CanvasRenderingContext2D the views draw with, so tests can record calls,
// and a recording fake of it for vitest.

export type Ctx = Pick<
  CanvasRenderingContext2D,
  | "save"
  | "restore"
  | "clearRect"
  | "fillRect"
  | "strokeRect"
  | "beginPath"
  | "closePath"
  | "moveTo"
  | "lineTo"
  | "arc"
  | "rect"
  | "clip"
  | "fill"
  | "stroke"
  | "fillText"
  | "drawImage"
  | "measureText"
  | "setLineDash"
  | "rotate"
  | "translate"
> & {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  globalAlpha: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
};

/** One recorded drawing call, with the fill/stroke style and alpha at that moment. */
export interface Call {
  op: string;
  args: number[];
  text?: string;
  fill: string;
  stroke: string;
  alpha: number;
  lineWidth: number;
  font: string;
}

/** A Ctx that records calls (text width: 6 px per character). */
export function recordingCtx(): { ctx: Ctx; calls: Call[] } {
  const calls: Call[] = [];
  const state = {
    fillStyle: "" as Ctx["fillStyle"],
    strokeStyle: "" as Ctx["strokeStyle"],
    lineWidth: 1,
    globalAlpha: 1,
    font: "",
    textAlign: "left" as CanvasTextAlign,
    textBaseline: "alphabetic" as CanvasTextBaseline,
  };
  const stack: (typeof state)[] = [];
  const rec =
    (op: string) =>
    (...args: unknown[]): void => {
      const text = typeof args[0] === "string" ? args[0] : undefined;
      calls.push({
        op,
        args: args.filter((a): a is number => typeof a === "number"),
        text,
        fill: String(state.fillStyle),
        stroke: String(state.strokeStyle),
        alpha: state.globalAlpha,
        lineWidth: state.lineWidth,
        font: state.font,
      });
    };
  const ctx = Object.assign(state, {
    save: () => stack.push({ ...state }),
    restore: () => Object.assign(state, stack.pop() ?? {}),
    clearRect: rec("clearRect"),
    fillRect: rec("fillRect"),
    strokeRect: rec("strokeRect"),
    beginPath: rec("beginPath"),
    closePath: rec("closePath"),
    moveTo: rec("moveTo"),
    lineTo: rec("lineTo"),
    arc: rec("arc"),
    rect: rec("rect"),
    clip: () => undefined,
    fill: rec("fill"),
    stroke: rec("stroke"),
    fillText: rec("fillText"),
    drawImage: rec("drawImage"),
    setLineDash: () => undefined,
    setTransform: () => undefined,
    rotate: rec("rotate"),
    translate: rec("translate"),
    measureText: (t: string) => ({ width: t.length * 6 }) as TextMetrics,
  }) as unknown as Ctx;
  return { ctx, calls };
}
