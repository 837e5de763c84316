import { create } from 'zustand';

interface PaletteState {
  open: boolean;
  toggle(): void;
  close(): void;
}

/** Whether the Ctrl-K jump palette is open. */
export const usePalette = create<PaletteState>()((set) => ({
  open: false,
  toggle: () => set((s) => ({ open: !s.open })),
  close: () => set({ open: false }),
}));
