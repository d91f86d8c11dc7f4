import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A text draft that follows the saved value until the user edits it. Returns the draft, its
 * setter, and `saved()` to call once the draft has been saved (it follows the value again).
 */
export function useDraft(saved: string): [string, (v: string) => void, () => void] {
  const [draft, setDraft] = useState(saved);
  const dirty = useRef(false);
  useEffect(() => {
    if (!dirty.current) setDraft(saved);
  }, [saved]);
  return [
    draft,
    (v) => {
      dirty.current = true;
      setDraft(v);
    },
    () => {
      dirty.current = false;
    },
  ];
}
