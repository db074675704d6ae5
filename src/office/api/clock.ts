import { parisDay } from '../../shared/calendar/format.js';
import { noArgs, type Handlers } from './handler.js';

/**
 * The office's clock for the renderer, so that « today » in the window (the day list, the planning's week, the default
 * dates of forms) is the day the office's rules use, whatever the computer's clock or zone says. Public: the time is
 * no secret, and the renderer reads it before anyone logs in.
 */
export const clockHandlers: Handlers<'clock.now'> = {
  'clock.now': {
    access: 'public',
    args: noArgs,
    async run({ clock }) {
      const now = clock();
      return { instant: now.toISOString(), today: parisDay(now) };
    },
  },
};
