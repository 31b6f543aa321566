import { useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';

interface Ask {
  title: string;
  message: string;
  confirmLabel: string;
  resolve: (ok: boolean) => void;
}

/**
 * A modal confirmation on the native <dialog>: focus is trapped and Escape cancels for free.
 * Returns the element to render and `ask()`, which resolves true only on the confirm button.
 */
export function useConfirm(): [
  JSX.Element,
  (title: string, message: string, confirmLabel: string) => Promise<boolean>,
] {
  const dialog = useRef<HTMLDialogElement>(null);
  const [ask, setAsk] = useState<Ask | undefined>(undefined);

  const open = (title: string, message: string, confirmLabel: string): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      setAsk({ title, message, confirmLabel, resolve });
      queueMicrotask(() => dialog.current?.showModal());
    });
  const close = (ok: boolean): void => {
    dialog.current?.close();
    ask?.resolve(ok);
    setAsk(undefined);
  };

  const element = (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      onCancel={(event) => {
        event.preventDefault();
        close(false);
      }}
    >
      <h2 id="confirm-title">{ask?.title}</h2>
      <p id="confirm-message">{ask?.message}</p>
      <div class="actions">
        <button type="button" class="button" onClick={() => close(false)} autofocus>
          Cancel
        </button>
        <button type="button" class="button danger" onClick={() => close(true)}>
          {ask?.confirmLabel ?? 'Confirm'}
        </button>
      </div>
    </dialog>
  );
  return [element, open];
}
