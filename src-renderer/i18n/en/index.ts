import { accounts } from './accounts';
import { call } from './call';
import { certificates } from './certificates';
import { common } from './common';
import { diagnostics } from './diagnostics';
import { history } from './history';
import { phone } from './phone';
import { settings } from './settings';
import { wizard } from './wizard';

export const en = { common, phone, call, accounts, wizard, history, settings, certificates, diagnostics };
