// The items as a deck of cards, one at a time, each placed on two 1-5 scales (placements).
function placementDeck(root, data, pending) {
  const cards = data.cards;
  const placed = {};  // item id -> {x, y, lands_in}
  for (const card of cards) if (card.placed) placed[card.id] = card.placed;
  const firstOpen = cards.findIndex(c => !placed[c.id]);
  // Drawn again for new content (a stage bump): stay on the card the phone was looking at.
  const kept = cards.findIndex(c => c.id === pending.cardId);
  let index = kept >= 0 ? kept : data.open && firstOpen >= 0 ? firstOpen : 0;
  let notice = [];  // alerts shown above the card after a save

  const progressLabel = el('div', { class: 'fea-progress-label' });
  const bar = el('div');
  progressLabel.id = 'fea-progress-label';
  const progress = el('div', { class: 'fea-progress', role: 'progressbar', 'aria-labelledby': 'fea-progress-label',
    'aria-valuemin': 0, 'aria-valuemax': cards.length }, bar);
  const live = liveRegions();
  // The card takes focus when it changes; its name (its own number and text) is what is read.
  const cardBox = el('div', { class: 'fea-card', 'data-testid': 'deck-card', role: 'group', tabindex: -1,
    'aria-labelledby': 'fea-card-number fea-card-text' });
  root.append(progressLabel, progress, ...live.nodes, cardBox);

  const step = delta => {
    index = (index + delta + cards.length) % cards.length; notice = []; draw(); cardBox.focus();
  };
  if (cards.length > 1) {
    root.append(el('div', { class: 'fea-row' },
      el('button', { type: 'button', class: 'fea-button', onclick: () => step(-1), 'data-testid': 'deck-previous' }, '← ' + data.text.previous),
      el('button', { type: 'button', class: 'fea-button', onclick: () => step(1), 'data-testid': 'deck-next' }, data.text.next + ' →')),
      el('div', { class: 'fea-caption fea-skip' }, data.text.skip));
  }

  function scale(axis, value, onPick, testId) {
    // A reversed axis (Ressourceforbrug) runs Høj -> Lav from left to right, as on the paper form.
    const values = axis.reversed ? [...data.scale].reverse() : data.scale;
    const row = choiceRow(axis.label, values.map(n => ({ value: n, label: String(n) })), value, onPick, testId);
    // The end words under the first and last number (the label says them for screen readers).
    row.append(el('div', { class: 'fea-ends', 'aria-hidden': 'true' }, el('span', {}, axis.left), el('span', {}, axis.right)));
    return row;
  }

  function draw() {
    const done = cards.filter(c => placed[c.id]).length;
    progressLabel.textContent = data.text.progress.replace('{done}', done).replace('{total}', cards.length);
    bar.style.width = `${(100 * done) / cards.length}%`;
    progress.setAttribute('aria-valuenow', done);
    progress.setAttribute('aria-valuetext', progressLabel.textContent);
    live.show(...notice);

    const card = cards[index];
    pending.cardId = card.id;
    const mine = placed[card.id];
    const pick = { x: mine ? mine.x : null, y: mine ? mine.y : null };
    // The item's own number, as on the shared screen (numbers stay put after merges).
    cardBox.replaceChildren(
      el('div', { class: 'fea-card-number', id: 'fea-card-number', 'data-testid': 'card-number' },
        data.text.number.replace('{number}', card.number)),
      el('div', { class: 'fea-card-text', id: 'fea-card-text' }, card.text));
    if (data.open) {
      cardBox.append(
        scale(data.y, pick.y, v => { pick.y = v; }, 'place-y'),
        scale(data.x, pick.x, v => { pick.x = v; }, 'place-x'));
      const save = el('button', { type: 'button', class: `fea-button${mine ? '' : ' fea-primary'}`, 'data-testid': 'place-save' },
        mine ? data.text.update : data.text.save);
      save.addEventListener('click', () => busy(save, async () => {
        if (pick.x === null || pick.y === null) { live.show(alertBox('warning', data.text.both)); return; }
        const reply = await postAnswer(data, { item_id: card.id, x: pick.x, y: pick.y });
        if (!reply.ok) { live.show(alertBox('error', reply.message)); return; }
        placed[card.id] = { x: pick.x, y: pick.y, lands_in: reply.lands_in };
        const all = cards.every(c => placed[c.id]);
        notice = [alertBox('success', reply.message)];
        if (all) notice.push(alertBox('info', data.text.all_placed.replace('{total}', cards.length)));
        // On to the next card not placed yet (after this one, then from the top); stay if all are.
        for (let k = 1; k < cards.length; k++) {
          const next = (index + k) % cards.length;
          if (!placed[cards[next].id]) { index = next; break; }
        }
        draw();
        cardBox.focus();  // the save button was redrawn: focus goes to the card now shown
      }));
      cardBox.append(save);
    }
    if (mine) cardBox.append(el('div', { class: 'fea-caption', style: 'margin-top:0.8rem' }, mine.lands_in));
  }
  draw();
}
