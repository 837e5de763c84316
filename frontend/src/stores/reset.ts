/** Resets every store to its initial state (sign-out and tests). */
import { resetKeyboard } from '../keyboard';
import { resetDataClock } from './dataClock';
import { resetOrigin } from './origin';
import { resetSharedSettings } from './sharedSettings';
import { resetApplications } from './applications';
import { resetConnection } from './connection';
import { resetConversation } from './conversation';
import { resetConversations } from './conversations';
import { resetCustomers } from './customers';
import { initialRoute, useRouter } from './router';
import { resetSession } from './session';
import { resetSettings } from './settings';
import { resetTicker } from './ticker';
import { resetUsers } from './users';

/** Everything that belongs to a signed-in user. */
export function resetUserData(): void {
  resetApplications();
  resetConnection();
  resetDataClock();
  resetOrigin();
  resetSharedSettings();
  resetConversation();
  resetConversations();
  resetCustomers();
  resetSettings();
  resetUsers();
  useRouter.setState({ route: initialRoute });
}

export function resetAllStores(): void {
  resetUserData();
  resetSession();
  resetTicker();
  resetKeyboard();
}
