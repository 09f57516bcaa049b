// Text inputs bound to one state object: `bind('email')` gives an input its value and change handler.
import { useState, type ChangeEvent } from 'react';

export function useTextFields<K extends string>(initial: Record<K, string>) {
  const [values, setValues] = useState(initial);
  const bind = (name: K) => ({
    value: values[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const v = e.currentTarget.value;
      setValues((prev) => ({ ...prev, [name]: v }));
    },
  });
  const reset = () => setValues(initial);
  return { values, bind, reset };
}
