// The six factors, 1-5 or "Ved ikke", sent in one POST (ui/answer_routes.py: ratings).
function ratingForm(root, data, pending) {
  const DONT_KNOW = 'dk';
  const choice = {};
  for (const [key, value] of Object.entries(data.saved)) choice[key] = value === null ? DONT_KNOW : value;
  pending.choice = pending.choice || {};
  Object.assign(choice, pending.choice);  // choices not sent yet win over the saved ones
  let saved = Object.keys(data.saved).length > 0;
  const options = data.scale.map(n => ({ value: n, label: String(n) }));
  options.push({ value: DONT_KNOW, label: data.text.dont_know });

  for (const factor of data.factors) {
    const pick = v => { choice[factor.key] = v; pending.choice[factor.key] = v; };
    const row = choiceRow(factor.label, options, choice[factor.key], pick, `rate-${factor.key}`);
    row.querySelector('.fea-choice:last-child').classList.add('fea-wide');
    root.append(row);
  }
  const send = el('button', { type: 'button', class: 'fea-button fea-primary', 'data-testid': 'rate-send' },
    saved ? data.text.update : data.text.submit);
  const live = liveRegions();
  if (saved) live.show(alertBox('success', data.text.saved));
  send.addEventListener('click', () => busy(send, async () => {
    const ratings = {};
    for (const [key, value] of Object.entries(choice)) ratings[key] = value === DONT_KNOW ? null : value;
    const reply = await postAnswer(data, { ratings });
    live.show(alertBox(reply.ok ? 'success' : 'error', reply.message));
    if (reply.ok) pending.choice = {};  // sent: the next drawing starts from what is saved
    if (reply.ok && !saved) { saved = true; send.textContent = data.text.update; }
  }));
  root.append(send, ...live.nodes);
}
