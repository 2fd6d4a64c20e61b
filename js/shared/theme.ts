// Colours for canvas drawing, read from JupyterLab's CSS variables so that light and
// dark themes both work. Outside JupyterLab, base.css defines those variables on each
// view from VS Code's --vscode-* variables or the page's prefers-color-scheme; the
// fallbacks here keep a page without base.css (tests) readable.

export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  accent: string;
  font: string;
  /** One colour per homology dimension / category. */
  categorical: string[];
}

// Okabe–Ito's seven colours (distinguishable with the common colour-vision
// deficiencies; its black is left out: it vanishes on a dark theme), then three of Paul
// Tol's "muted" colours (wine, olive, indigo) so that ten classes (MNIST, CIFAR-10) get
// ten colours. The one categorical palette of every view (homology dimensions, classes:
// colormap.classColor); tda_widgets/widgets/panels/summary.py draws its curves with the
// first four, in this order (tests/widgets/test_palette.py checks both).
export const CATEGORICAL = [
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#882255",
  "#999933",
  "#332288",
];

export function readTheme(el: Element): Theme {
  const css = typeof getComputedStyle === "function" ? getComputedStyle(el) : null;
  const v = (name: string, fallback: string): string => {
    const value = css?.getPropertyValue(name).trim();
    return value ? value : fallback;
  };
  return {
    background: v("--jp-layout-color0", "#ffffff"),
    foreground: v("--jp-ui-font-color1", "#1f1f1f"),
    muted: v("--jp-ui-font-color2", "#616161"),
    grid: v("--jp-border-color2", "#e0e0e0"),
    accent: v("--jp-brand-color1", "#1976d2"),
    font: v("--jp-ui-font-family", "system-ui, -apple-system, sans-serif"),
    categorical: CATEGORICAL,
  };
}

/** Attributes of body whose change means a new theme: JupyterLab's and VS Code's. */
export const THEME_ATTRIBUTES = ["data-jp-theme-light", "data-jp-theme-name", "data-vscode-theme-kind", "class"];

/**
 * Call `callback` whenever the theme changes: JupyterLab or VS Code switching theme (they
 * set attributes on body) or the page's prefers-color-scheme changing (exported pages,
 * Colab). Returns a function that stops listening. Canvas views redraw with `readTheme`.
 */
export function onThemeChange(callback: () => void): () => void {
  if (typeof MutationObserver === "undefined" || typeof document === "undefined") return () => undefined;
  const observer = new MutationObserver(() => callback());
  observer.observe(document.body, { attributes: true, attributeFilter: THEME_ATTRIBUTES });
  const scheme =
    typeof window !== "undefined" && typeof window.matchMedia === "function"
      ? window.matchMedia("(prefers-color-scheme: dark)")
      : null;
  const onScheme = (): void => callback();
  scheme?.addEventListener?.("change", onScheme);
  return () => {
    observer.disconnect();
    scheme?.removeEventListener?.("change", onScheme);
  };
}
