// @vitest-environment jsdom
import { DOMWrapper, flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import type { CertificateReportView } from '../../src-shared/model/certificate';
import type { TrustActionsView } from '../../src-shared/model/diagnostics';
import { setApi } from '../bridge';
import { ALL_ACTIONS, CA_FP, INTERMEDIATE, LEAF_FP, NO_ACTIONS, accountView, chainOnlyReport, entry, expiredReport, geoInspection, goodReport, missingIntermediateReport, tlsEvent } from '../components/certificate/report-fixtures';
import { en } from '../i18n/en';
import { useAccountsStore } from '../stores/accounts';
import { useNavigationStore } from '../stores/navigation';
import { fakeApi } from '../test-support/fake-api';
import CertificatesView from './CertificatesView.vue';

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

function setup(report: CertificateReportView | null = goodReport(), actions: TrustActionsView = ALL_ACTIONS) {
  const fake = fakeApi({
    'accounts.list': () => ({ accounts: [accountView('work', { isDefault: true }), accountView('lab')], registrations: [] }),
    'certificates.forAccount': (p) => ({ accountId: (p as { accountId: string }).accountId, report, actions }),
    'certificates.tlsEvents': () => ({ events: [tlsEvent(1), tlsEvent(2, { kind: 'failed', level: 'failed', summary: 'Handshake failed', problem: { code: 'expired', message: "The server's certificate has expired.", hint: 'Renew it.', detail: {} } })] }),
    'certificates.checkAccountAddresses': () => geoInspection(),
    'certificates.inspect': () => geoInspection(),
    'certificates.trustCa': () => accountView('work', { isDefault: true }),
  });
  setApi(fake.api);
  return fake;
}

async function mountView(): Promise<VueWrapper> {
  await useAccountsStore().init();
  const i18n = createI18n({ legacy: false, locale: 'en', messages: { en } });
  wrapper = mount(CertificatesView, { global: { plugins: [pinia, i18n], stubs: { ConnectionTestDialog: true } }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function named(w: VueWrapper | DOMWrapper<Element>, role: string, name: string): DOMWrapper<Element> {
  const el = w.findAll(`[role="${role}"]`).find((e) => accessibleName(e.element) === name);
  if (el === undefined) throw new Error(`no ${role} "${name}"`);
  return el;
}

function accessibleName(el: Element): string {
  const label = el.getAttribute('aria-label');
  if (label !== null) return label;
  const by = el.getAttribute('aria-labelledby');
  if (by !== null) return by.split(' ').map((id) => document.getElementById(id)?.textContent?.trim() ?? '').join(' ');
  return el.textContent?.trim() ?? '';
}

function button(w: VueWrapper | DOMWrapper<Element>, name: string): DOMWrapper<HTMLButtonElement> {
  const b = w.findAll('button').find((e) => accessibleName(e.element) === name);
  if (b === undefined) throw new Error(`no button "${name}"`);
  return b as DOMWrapper<HTMLButtonElement>;
}

function buttonNames(w: DOMWrapper<Element>): string[] {
  return w.findAll('button').map((b) => accessibleName(b.element));
}

function region(w: VueWrapper, target: string): DOMWrapper<Element> {
  return named(w, 'region', `Certificate report for ${target}`);
}

/** dt → dd text of the facts list. */
function factsOf(r: DOMWrapper<Element>): Record<string, string> {
  const dl = r.get('dl[aria-label="Connection facts"]');
  return Object.fromEntries(dl.findAll('dt').map((dt) => [dt.text(), (dt.element.nextElementSibling as HTMLElement).textContent!.trim()]));
}

describe('CertificatesView', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
    vi.restoreAllMocks();
  });

  it('shows a good report: Verified, the facts, and the chain as a tree leaf first', async () => {
    const api = setup();
    const w = await mountView();
    expect(w.get('h1').text()).toBe('Certificates');
    expect(w.findAll('h2').map((h) => h.text())).toEqual(['Account connection', 'Check a server']);
    const select = w.get('select');
    expect(document.querySelector(`label[for="${select.attributes('id')!}"]`)?.textContent).toBe('Account');
    expect(select.findAll('option').map((o) => o.text())).toEqual(['work@sip.example.com', 'lab@sip.example.com']);
    expect((select.element as HTMLSelectElement).value).toBe('work');
    expect(api.calls.find((c) => c.channel === 'certificates.forAccount')?.payload).toEqual({ accountId: 'work' });
    for (const name of ['Refresh', 'Check every address', 'Test connection']) button(w, name);

    const r = region(w, '127.0.0.1:5061');
    expect(r.get('h3').text()).toBe('Verified');
    expect(r.text()).toContain('Verified: full');
    expect(factsOf(r)).toEqual({
      'TLS version': 'TLSv1.3',
      Cipher: 'TLS_AES_256_GCM_SHA384',
      'SNI sent': 'sip.example.com',
      ALPN: 'none offered',
      'OCSP stapling': 'Not stapled · policy: soft-fail',
      'Name checked': 'sip.example.com',
      Matched: 'sip.example.com (DNS SAN)',
      Mode: 'Full',
    });
    const tree = named(r, 'tree', 'Certificate chain');
    const items = tree.findAll('[role="treeitem"]');
    expect(items.map((i) => accessibleName(i.element))).toEqual(['sip.example.com', 'Example Issuing CA', 'Example Root CA']);
    // Nested by issuer: the intermediate inside the leaf, the root inside the intermediate.
    expect(items[0]!.element.contains(items[1]!.element)).toBe(true);
    expect(items[1]!.element.contains(items[2]!.element)).toBe(true);
    expect(items[0]!.text()).toContain('Server certificate');
    expect(items[0]!.text()).toContain('Sent by the server');
    expect(items[0]!.text()).toContain('EC P-256');
    expect(items[0]!.text()).toContain(LEAF_FP);
    expect(items[0]!.text()).toMatch(/Valid from .+ until .+ \(177 days left\)/);
    expect(items[1]!.text()).toContain('Intermediate CA');
    expect(items[1]!.text()).toContain('RSA 2048 bits');
    expect(items[2]!.text()).toContain('Root CA');
    expect(items[2]!.text()).toContain('From the trust store (system)');
    expect(tree.findAll('[role="treeitem"][tabindex="0"]')).toHaveLength(1);

    // The TLS events, newest first, with the problem of a failure.
    expect(w.findAll('h3').map((h) => h.text())).toContain('TLS events');
    const events = named(w, 'list', 'TLS events').findAll('li');
    expect(events).toHaveLength(2);
    expect(events[0]!.text()).toContain('Failed');
    expect(events[0]!.text()).toContain("The server's certificate has expired.");
    expect(events[1]!.text()).toContain('Connected');
    expect(events[1]!.text()).toContain('127.0.0.1:5061');
    expect(events[1]!.text()).toContain('TLSv1.3 TLS_AES_256_GCM_SHA384, verified (full) · 2 certificates');
  });

  it('an expired certificate: the plain title, main’s message, the fix and the expiry on the certificate', async () => {
    setup(expiredReport());
    const w = await mountView();
    const r = region(w, '::1:5061');
    expect(r.get('h3').text()).toBe('Certificate has expired');
    expect(r.text()).toContain("The server's certificate has expired.");
    expect(r.text()).toContain('How to fix: Ask the administrator of the phone system to renew the certificate');
    expect(r.text()).toContain('Not verified');
    expect(r.text()).toContain('The certificate “sip.example.com” has expired.');
    const leaf = named(r, 'treeitem', 'sip.example.com');
    expect(leaf.text()).toContain('Expired 5 days ago');
    expect(leaf.text()).toContain('(expired 5 days ago)');
  });

  it('chain-only says it is weaker and that the name was not checked', async () => {
    setup(chainOnlyReport());
    const w = await mountView();
    const r = region(w, '127.0.0.1:5061');
    expect(r.get('h3').text()).toBe('Verified');
    const line = r.findAll('.badge').find((b) => b.text() === 'Verified: chain only (weaker)');
    expect(line?.classes()).toContain('warn');
    expect(r.text()).toContain("The server's name was not checked against its certificate.");
    expect(factsOf(r)['Matched']).toMatch(/^No match: The certificate does not name pbx.example.org/);
    expect(factsOf(r)['Mode']).toBe('Chain only (weaker)');
    // Already chain-only: not offered again.
    expect(buttonNames(named(r, 'group', 'Certificate actions'))).not.toContain('Use chain-only verification');
  });

  it('a missing intermediate is shown as a gap in the tree', async () => {
    setup(missingIntermediateReport());
    const w = await mountView();
    const r = region(w, '127.0.0.1:5061');
    expect(r.get('h3').text()).toBe('Missing intermediate certificate');
    const tree = named(r, 'tree', 'Certificate chain');
    expect(tree.findAll('[role="treeitem"]').map((i) => accessibleName(i.element))).toEqual(['sip.example.com', 'Missing intermediate certificate']);
    const gap = named(tree, 'treeitem', 'Missing intermediate certificate');
    expect(named(tree, 'treeitem', 'sip.example.com').element.contains(gap.element)).toBe(true);
    expect(gap.text()).toContain('CN=Example Issuing CA, O=Example Telecom');
  });

  it('checks every address side by side and flags the bad one', async () => {
    const api = setup();
    const w = await mountView();
    await button(w, 'Check every address').trigger('click');
    await flushPromises();
    expect(api.calls.find((c) => c.channel === 'certificates.checkAccountAddresses')?.payload).toEqual({ accountId: 'work' });
    const table = w.get('table[aria-label="Every address"]');
    expect(table.findAll('thead th').map((h) => h.text())).toEqual(['Address', 'Verdict', 'TLS', 'Certificate expires']);
    const rows = table.findAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.findAll('th, td').map((c) => c.text())[0]).toBe('127.0.0.1:5061');
    expect(rows[0]!.findAll('td')[0]!.text()).toBe('OK');
    expect(rows[0]!.attributes('data-ok')).toBe('true');
    expect(rows[1]!.get('th').text()).toBe('::1:5061');
    expect(rows[1]!.findAll('td')[0]!.text()).toBe('Problem: Certificate has expired');
    expect(rows[1]!.findAll('td')[0]!.find('svg').exists()).toBe(true);
    expect(rows[1]!.attributes('data-ok')).toBe('false');
    expect(rows[1]!.findAll('td')[2]!.text()).toContain('Expired 5 days ago');
    expect(w.text()).toContain('1 of 2 addresses failed.');
    // One report per address under the table; no trust actions on them.
    const bad = region(w, '::1:5061');
    expect(bad.get('h3').text()).toBe('Certificate has expired');
    expect(buttonNames(named(bad, 'group', 'Certificate actions'))).toEqual(['Export chain (PEM)', 'Copy diagnosis']);
  });

  it('with one address behind the name: just its report, and says so', async () => {
    const api = setup();
    const geo = geoInspection();
    api.handle('certificates.checkAccountAddresses', () => ({ ...geo, ok: true, addresses: [geo.addresses[0]!] }));
    const w = await mountView();
    await button(w, 'Check every address').trigger('click');
    await flushPromises();
    expect(w.find('table').exists()).toBe(false);
    expect(w.text()).toContain('Only one address was found behind this name.');
    expect(w.findAll('[role="region"]').filter((r) => accessibleName(r.element) === 'Certificate report for 127.0.0.1:5061')).toHaveLength(2);
  });

  it('offers only what policy allows, and says why', async () => {
    setup(expiredReport(), NO_ACTIONS);
    const w = await mountView();
    const r = region(w, '::1:5061');
    expect(buttonNames(named(r, 'group', 'Certificate actions'))).toEqual(['Copy diagnosis']);
    expect(r.text()).toContain('Some actions are turned off by your administrator: Certificate trust is managed by IT.');
  });

  it('"Trust this CA" trusts the top CA of the chain by its fingerprint', async () => {
    const unknownCa = goodReport({
      chain: [entry(), { ...INTERMEDIATE }],
      verdict: { ok: false, level: 'failed', problem: { code: 'unknown-authority', message: 'The certificate is signed by an authority this phone does not trust.', hint: 'Trust the CA.', detail: {} }, notes: [] },
    });
    const api = setup(unknownCa);
    const w = await mountView();
    const r = region(w, '127.0.0.1:5061');
    expect(r.get('h3').text()).toBe('Signed by unknown authority');
    expect(buttonNames(named(r, 'group', 'Certificate actions'))).toEqual(['Trust this CA', 'Pin this key', 'Pin this certificate', 'Use chain-only verification', 'Export chain (PEM)', 'Copy diagnosis']);
    await button(r, 'Trust this CA').trigger('click');
    await flushPromises();
    expect(api.calls.find((c) => c.channel === 'certificates.trustCa')?.payload).toEqual({ accountId: 'work', fingerprintSha256: CA_FP });
    expect(r.get('[role="status"]').text()).toContain('The account reconnects');
  });

  it('a refused action (policy-denied) shows main’s words in an alert', async () => {
    const api = setup(expiredReport());
    api.handle('certificates.pin', () => {
      throw { code: 'policy-denied', message: 'Your administrator does not allow pinning for this account.', hint: 'Ask IT to renew the certificate.' };
    });
    const w = await mountView();
    const r = region(w, '::1:5061');
    expect(r.find('[role="alert"]').exists()).toBe(false);
    await button(r, 'Pin this key').trigger('click');
    await flushPromises();
    expect(api.calls.find((c) => c.channel === 'certificates.pin')?.payload).toEqual({ accountId: 'work', what: 'key' });
    const alert = r.get('[role="alert"]');
    expect(alert.text()).toContain('Your administrator does not allow pinning for this account.');
    expect(alert.text()).toContain('Ask IT to renew the certificate.');
  });

  it('asks before chain-only verification, then sends the acknowledgement', async () => {
    const api = setup(expiredReport());
    api.handle('certificates.useChainOnly', () => accountView('work', { verification: 'chain-only', isDefault: true }));
    const w = await mountView();
    const r = region(w, '::1:5061');
    await button(r, 'Use chain-only verification').trigger('click');
    const dialog = w.get('[role="alertdialog"]');
    expect(document.getElementById(dialog.attributes('aria-labelledby')!)?.textContent?.trim()).toBe('Use chain-only verification?');
    expect(dialog.text()).toContain('no longer check the server');
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel');
    await button(w, 'Use chain only').trigger('click');
    await flushPromises();
    expect(api.calls.find((c) => c.channel === 'certificates.useChainOnly')?.payload).toEqual({ accountId: 'work', acknowledgeWeaker: true });
    expect(w.find('[role="alertdialog"]').exists()).toBe(false);
  });

  it('copies the diagnosis and says so', async () => {
    setup(expiredReport());
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const w = await mountView();
    const r = region(w, '::1:5061');
    await button(r, 'Copy diagnosis').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledTimes(1);
    expect(writeText.mock.calls[0]).toEqual([expect.stringContaining('Verdict: Certificate has expired')]);
    expect(r.get('[role="status"]').text()).toBe('Diagnosis copied');
  });

  it('opens on the account navigation asked for, and follows its TLS events live', async () => {
    const api = setup();
    useNavigationStore().showCertificate('lab');
    const w = await mountView();
    expect((w.get('select').element as HTMLSelectElement).value).toBe('lab');
    expect(api.calls.filter((c) => c.channel === 'certificates.forAccount').map((c) => c.payload)).toEqual([{ accountId: 'lab' }]);
    api.emit('certificates.tlsEvent', tlsEvent(9, { accountId: 'lab', kind: 'reconnected', summary: 'Re-verified on reconnect' }));
    api.emit('certificates.tlsEvent', tlsEvent(10, { accountId: 'work', summary: 'Another account' }));
    await flushPromises();
    const items = named(w, 'list', 'TLS events').findAll('li');
    expect(items[0]!.text()).toContain('Reconnected (re-verified)');
    expect(items[0]!.text()).toContain('Re-verified on reconnect');
    expect(w.text()).not.toContain('Another account');
  });

  it('checks any server with the form: host, SNI, mode, pins, every address', async () => {
    const api = setup();
    let answer: (v: unknown) => void = () => undefined;
    api.handle('certificates.inspect', () => new Promise((resolve) => (answer = resolve)));
    const w = await mountView();
    const form = w.get('form');
    const field = (label: string) => {
      const l = form.findAll('label').find((x) => x.text().trim() === label);
      if (l === undefined) throw new Error(`no label ${label}`);
      const el = l.element as HTMLLabelElement;
      return new DOMWrapper(el.htmlFor === '' ? el.querySelector('input')! : document.getElementById(el.htmlFor)!);
    };
    expect(form.findAll('label').some((l) => l.text() === 'Pins')).toBe(false);
    await field('Server (host or host:port)').setValue(' sip.example.com:5061 ');
    expect(field('Server name (SNI)').attributes('placeholder')).toBe('The host is used');
    await field('Verification').setValue('pinned');
    await field('Pins').setValue('sha256/abc= sha256/def=');
    await field('Check every address').setValue(true);
    const file = field('Trusted CA certificate (PEM)');
    expect(file.attributes()).toMatchObject({ type: 'file', accept: '.pem,.crt,.cer' });
    expect(field('Verification').findAll('option').map((o) => o.text())).toEqual(['Full', 'Chain only (weaker)', 'Pinned']);
    await form.trigger('submit');
    await flushPromises();
    expect(button(w, 'Check server').element.disabled).toBe(true);
    expect(form.get('[role="status"]').text()).toBe('Checking…');
    expect(api.calls.find((c) => c.channel === 'certificates.inspect')?.payload).toEqual({ host: 'sip.example.com:5061', mode: 'pinned', allAddresses: true, pins: ['sha256/abc=', 'sha256/def='] });
    answer(geoInspection());
    await flushPromises();
    expect(button(w, 'Check server').element.disabled).toBe(false);
    const tables = w.findAll('table[aria-label="Every address"]');
    expect(tables).toHaveLength(1);
    region(w, '::1:5061');
  });

  it('reads CA files as text, lists them with a Remove button each', async () => {
    const api = setup();
    const w = await mountView();
    const input = w.get('input[type="file"]');
    const pem = new File(['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'], 'corp-ca.pem', { type: 'application/x-pem-file' });
    const other = new File(['-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n'], 'lab-ca.crt');
    Object.defineProperty(input.element, 'files', { value: [pem, other], configurable: true });
    await input.trigger('change');
    await flushPromises();
    await vi.waitFor(() => expect(w.findAll('button').some((b) => accessibleName(b.element) === 'Remove lab-ca.crt')).toBe(true));
    await button(w, 'Remove corp-ca.pem').trigger('click');
    await flushPromises();
    expect(w.text()).not.toContain('corp-ca.pem');
    await w.get('form').findAll('input[type="text"]')[0]!.setValue('pbx.example.org');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(api.calls.find((c) => c.channel === 'certificates.inspect')?.payload).toEqual({ host: 'pbx.example.org', mode: 'full', allAddresses: false, caPems: ['-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n'] });
  });

  it('a refused check shows main’s message and fix in an alert', async () => {
    const api = setup();
    api.handle('certificates.inspect', () => {
      throw { code: 'dns-failure', message: 'The name nowhere.invalid was not found.', hint: 'Check the spelling of the server name.' };
    });
    const w = await mountView();
    await w.get('form').findAll('input[type="text"]')[0]!.setValue('nowhere.invalid');
    await w.get('form').trigger('submit');
    await flushPromises();
    const alert = w.get('form').get('[role="alert"]');
    expect(alert.text()).toContain('The name nowhere.invalid was not found.');
    expect(alert.text()).toContain('Check the spelling of the server name.');
  });
});
