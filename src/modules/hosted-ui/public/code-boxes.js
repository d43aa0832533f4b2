/**
 * The code as one box per digit: typing moves to the next box, Backspace in an empty box goes
 * back and clears the one before, the arrow keys move, and a paste (or the one-time-code
 * autofill of a phone, which fills the first box) of the whole code spreads it over the boxes.
 * When the last box is filled, `onComplete` runs.
 */
export function codeBoxes(container, onComplete) {
  const boxes = [...container.querySelectorAll('input.digit')];
  const last = boxes.length - 1;

  const value = () => boxes.map((box) => box.value).join('');

  /** Writes `digits` from box `start` on, focuses the box after them, and submits when all are filled. */
  function spread(start, digits) {
    const written = digits.slice(0, boxes.length - start).split('');
    written.forEach((digit, k) => {
      boxes[start + k].value = digit;
    });
    boxes[Math.min(start + written.length, last)].focus();
    if (boxes.every((box) => box.value !== '')) onComplete();
  }

  boxes.forEach((box, i) => {
    box.addEventListener('focus', () => box.select());
    box.addEventListener('input', (event) => {
      // A key typed into a filled box replaces its digit; a paste or an autofill brings more.
      const typed = event.inputType === 'insertText' && event.data ? event.data : box.value;
      const digits = typed.replace(/\D/g, '');
      box.value = '';
      // A whole code goes from the first box, whichever box it was typed or pasted into.
      if (digits) spread(digits.length === boxes.length ? 0 : i, digits);
    });
    box.addEventListener('paste', (event) => {
      const digits = (event.clipboardData?.getData('text') ?? '').replace(/\D/g, '');
      if (!digits) return;
      event.preventDefault();
      spread(digits.length >= boxes.length ? 0 : i, digits);
    });
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Backspace' && box.value === '' && i > 0) {
        event.preventDefault();
        boxes[i - 1].value = '';
        boxes[i - 1].focus();
      } else if (event.key === 'ArrowLeft' && i > 0) {
        event.preventDefault();
        boxes[i - 1].focus();
      } else if (event.key === 'ArrowRight' && i < last) {
        event.preventDefault();
        boxes[i + 1].focus();
      }
    });
  });

  return {
    boxes,
    value,
    complete: () => /^\d+$/.test(value()) && value().length === boxes.length,
    clear() {
      for (const box of boxes) box.value = '';
    },
    focus: () => boxes[0].focus(),
  };
}
