/**
 * PayFiP, the DGFiP's online payment of local public invoices: where families pay, with the commune's identifier
 * (billing settings' issuer.payfipId), the invoice's reference (its number) and the amount. Printed on invoices and
 * reminder letters, shown on the portal's « Relevé de compte ».
 */
export const PAYFIP_SITE = 'www.tipi.budget.gouv.fr';
