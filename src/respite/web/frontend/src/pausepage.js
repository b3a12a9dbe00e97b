// A pause's page: objectives (targets vs achieved), parties, movement rules, windows in local
// time, version history with sources, the SMS text and links to CAP, iCalendar, GeoJSON, print.
import { language, pick, t } from './i18n.js';
import { formatDate, formatNumber, formatShort, formatTime, zoneName } from './timefmt.js';
import { escapeHtml } from './map.js';

const e = escapeHtml;
const MAX_ROWS = 60;

function objectives(pause) {
  if (!pause.objectives.length) return '';
  const rows = pause.objectives.map((o) => {
    const unit = o.unit ? ` ${e(o.unit)}` : '';
    const per = o.per === 'day' ? ` ${t('perDay')}` : '';
    const target = o.target != null ? `${formatNumber(o.target)}${unit}${per}` : t('noTarget');
    const achieved = (o.achieved ?? []).map((a) => `${formatNumber(a.value)}${unit}${a.date ? ` (${e(formatDate(Date.parse(`${a.date}T12:00:00Z`) / 1000, 'UTC'))})` : ''}${a.note ? ` · ${e(a.note)}` : ''}`);
    const total = (o.achieved ?? []).reduce((s, a) => s + a.value, 0);
    const ratio = o.target != null && o.per !== 'day' && total ? ` · ${formatNumber(total / o.target, { style: 'percent' })}` : '';
    return `<tr><th scope="row">${e(pick(o.description))}</th><td>${target}</td><td>${achieved.length ? achieved.join('<br>') + ratio : t('notReported')}</td></tr>`;
  });
  return `<h3>${t('objectives')}</h3><table><thead><tr><th scope="col">${t('objectives')}</th><th scope="col">${t('target')}</th><th scope="col">${t('achieved')}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function parties(pause) {
  const roles = ['announced_by', 'agreed_by', 'mediators', 'implementing'].filter((r) => pause.parties[r]?.length);
  if (!roles.length) return '';
  return `<h3>${t('parties')}</h3><dl>${roles.map((r) => `<dt>${t(r)}</dt><dd>${pause.parties[r].map(e).join(language() === 'ar' ? '، ' : ', ')}</dd>`).join('')}</dl>`;
}

function movement(pause) {
  if (!pause.movement_rules.length) return '';
  return `<h3>${t('movement')}</h3><ul>${pause.movement_rules.map((r) => `<li>${e(pick(r.text))}</li>`).join('')}</ul>`;
}

function recurring(window, tz) {
  if (!window.start_time) return '';
  const until = window.rrule && /COUNT|UNTIL/.test(window.rrule) ? '' : t('untilNotice');
  const first = formatDate(Date.parse(`${window.first_date}T12:00:00Z`) / 1000, 'UTC');
  const hhmm = (v) => (v ? String(v).replace(/^(\d\d:\d\d):00$/, '$1') : '');
  return t('recurring', { start: e(hhmm(window.start_time)), end: e(hhmm(window.end_time)), first: e(first), until });
}

function windows(pause) {
  const tz = pause.timezone;
  const blocks = pause.parts.map((part) => {
    const rec = part.windows.map((w) => recurring(w, tz)).filter(Boolean);
    const rows = [];
    for (let i = 0; i < part.occurrences.length && rows.length < MAX_ROWS; i += 2) {
      const [s, end] = [part.occurrences[i], part.occurrences[i + 1]];
      rows.push(`<tr><td>${e(formatShort(s, tz))}</td><td>${e(formatDate(s, tz) === formatDate(end, tz) ? formatTime(end, tz) : formatShort(end, tz))}</td></tr>`);
    }
    const more = part.occurrence_count > rows.length ? `<p class="small">${t('moreWindows', { n: formatNumber(part.occurrence_count) })}</p>` : '';
    return `<h4>${e(pick(part.name))}</h4>
      ${rec.length ? `<p>${rec.join('<br>')}</p>` : ''}
      <div class="scroll"><table><thead><tr><th scope="col">${t('from')}</th><th scope="col">${t('to')}</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more}
      ${part.approximation ? `<details><summary>${t('approximation')}</summary><p class="small" lang="en" dir="ltr">${e(part.approximation)}</p></details>` : ''}`;
  });
  return `<h3>${t('windows')}</h3><p class="small">${e(zoneName(tz))} (${e(tz)})</p>${blocks.join('')}`;
}

function source(s) {
  const title = e(s.title);
  const meta = [s.publisher, s.date].filter(Boolean).map(e).join(', ');
  const linked = s.url ? `<a href="${e(s.url)}" rel="noopener">${title}</a>` : title;
  return `<li lang="en" dir="ltr">${linked}${meta ? ` <span class="small">(${meta})</span>` : ''}</li>`;
}

function history(pause) {
  const rows = pause.versions.map((v) => `<tr>
    <td>${formatNumber(v.version)}</td>
    <td>${e(t('actions')[v.action] ?? v.action)}${v.summary ? `<br><span class="small">${e(pick(v.summary))}</span>` : ''}</td>
    <td>${v.effective_at ? e(formatShort(Date.parse(v.effective_at) / 1000, pause.timezone)) : '—'}</td>
    <td>${e(formatShort(Date.parse(v.recorded_at) / 1000, pause.timezone))}</td>
    <td><ul class="plain">${(v.sources ?? []).map(source).join('')}</ul></td></tr>`);
  return `<h3>${t('history')}</h3><div class="scroll"><table><thead><tr><th scope="col">${t('version')}</th><th scope="col">${t('action')}</th><th scope="col">${t('effective')}</th><th scope="col">${t('recorded')}</th><th scope="col">${t('sources')}</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function links(pause) {
  const lang = language();
  const l = pause.links;
  const items = [
    [l.cap, t('linkCap')], [l.ical, t('linkIcal')], [l.geojson, t('linkGeojson')],
    [`${l.print}?lang=${lang}`, t('linkPrint')], [lang === 'ar' ? l.summary_ar : l.summary_en, t('linkSms')],
  ];
  return `<h3>${t('links')}</h3><ul>${items.map(([href, label]) => `<li><a href="${e(href)}">${e(label)}</a></li>`).join('')}</ul>`;
}

export function renderPause(pause) {
  const sms = pause.sms[language()] ?? pause.sms.en;
  return `<button type="button" class="back" data-back>${language() === 'ar' ? '→' : '←'} ${t('back')}</button>
    <h2 id="pause-title" tabindex="-1">${e(pick(pause.name))}</h2>
    <p class="small">${t('kind')}: ${e(t('kinds')[pause.kind] ?? pause.kind)} · ${t('status')}: ${e(t('statuses')[pause.status] ?? pause.status)} · ${t('version')} ${formatNumber(pause.version)}</p>
    ${pause.summary ? `<p>${e(pick(pause.summary))}</p>` : ''}
    <h3>${e(t('sms', { n: formatNumber([...sms].length) }))}</h3><p class="sms">${e(sms)}</p>
    ${windows(pause)}${objectives(pause)}${parties(pause)}${movement(pause)}${history(pause)}
    <h3>${t('sources')}</h3><ul>${pause.sources.map(source).join('')}</ul>
    ${links(pause)}`;
}
