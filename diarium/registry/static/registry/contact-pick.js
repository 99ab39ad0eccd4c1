// Picking a sender or recipient from the contact register (the <datalist> of
// the name field) also says what it is: a private person or an organisation.
// Without scripts the name is still offered, and the register decides the kind.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("kontakter");
  if (!list) return;
  for (const input of document.querySelectorAll('input[list="kontakter"]')) {
    input.addEventListener("change", () => {
      const option = Array.from(list.options).find((o) => o.value === input.value);
      if (!option || !input.form) return;
      const kind = input.form.querySelector(`input[name="counterpart_kind"][value="${option.dataset.kind}"]`);
      if (kind) kind.checked = true;
    });
  }
});
