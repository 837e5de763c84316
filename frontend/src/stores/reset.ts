/** Resets every store to its initial state (sign-out and tests). */
import { resetKeyboard } from '../keyboard';
import { resetDataClock } from './dataClock';
import { resetDensity } from './density';
import { resetOrigin } from './origin';
import { resetSharedSettings } from './sharedSettings';
import { resetApplications } from './applications';
import { resetAudit } from './audit';
import { resetAttention } from './attention';
import { useMatches } from './matches';
import { resetConnection } from './connection';
import { resetConversation } from './conversation';
import { resetConversations } from './conversations';
import { resetCustomers } from './customers';
import { resetDeadLetters } from './deadLetters';
import { resetPipeline } from './pipeline';
import { resetRebuilds } from './rebuilds';
import { initialRoute, useRouter } from './router';
import { resetSession } from './session';
import { resetSettings } from './settings';
import { resetTicker } from './ticker';
import { resetUsers } from './users';
import { resetNotifications } from './notifications';
import { resetSavedViews } from './savedViews';

/** Everything that belongs to a signed-in user. */
export function resetUserData(): void {
  resetApplications();
  resetAttention();
  useMatches.setState({ search: '', byId: {}, asked: {} });
  resetConnection();
  resetDataClock();
  resetDensity();
  resetOrigin();
  resetSharedSettings();
  resetConversation();
  resetConversations();
  resetCustomers();
  resetSettings();
  resetUsers();
  resetPipeline();
  resetDeadLetters();
  resetRebuilds();
  resetAudit();
  resetSavedViews();
  resetNotifications();
  useRouter.setState({ route: initialRoute });
}

export function resetAllStores(): void {
  resetUserData();
  resetSession();
  resetTicker();
  resetKeyboard();
}
