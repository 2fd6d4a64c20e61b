import { afterEach, describe, expect, it, vi } from "vitest";
import { onThemeChange, readTheme } from "./theme";

describe("onThemeChange", () => {
  afterEach(() => {
    document.body.removeAttribute("data-vscode-theme-kind");
    vi.unstubAllGlobals();
  });

  it("fires when VS Code switches theme kind", async () => {
    const callback = vi.fn();
    const stop = onThemeChange(callback);
    document.body.setAttribute("data-vscode-theme-kind", "vscode-dark");
    await new Promise((resolve) => setTimeout(resolve, 0)); // MutationObserver's microtask
    expect(callback).toHaveBeenCalledTimes(1);
    stop();
    document.body.setAttribute("data-vscode-theme-kind", "vscode-light");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(callback).toHaveBeenCalledTimes(1);
  });

  it("fires when prefers-color-scheme changes, and stops listening", () => {
    const listeners: Array<() => void> = [];
    const media = {
      matches: false,
      addEventListener: (_: string, f: () => void) => listeners.push(f),
      removeEventListener: (_: string, f: () => void) => listeners.splice(listeners.indexOf(f), 1),
    };
    const matchMedia = vi.fn(() => media);
    vi.stubGlobal("matchMedia", matchMedia);
    const callback = vi.fn();
    const stop = onThemeChange(callback);
    expect(matchMedia).toHaveBeenCalledWith("(prefers-color-scheme: dark)");
    listeners.forEach((f) => f());
    expect(callback).toHaveBeenCalledTimes(1);
    stop();
    expect(listeners).toHaveLength(0);
  });
});

describe("readTheme", () => {
  it("reads the --jp-* variables set on the view", () => {
    const view = document.createElement("div");
    view.style.setProperty("--jp-layout-color0", "#1e1e1e");
    view.style.setProperty("--jp-ui-font-color1", "#e6e6e6");
    document.body.append(view);
    const theme = readTheme(view);
    expect(theme.background).toBe("#1e1e1e");
    expect(theme.foreground).toBe("#e6e6e6");
    view.remove();
  });
});
