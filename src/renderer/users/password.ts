/** The office's rule for staff passwords (auth handlers), repeated here for the checks before sending. */
export const PASSWORD_MIN = 10;
