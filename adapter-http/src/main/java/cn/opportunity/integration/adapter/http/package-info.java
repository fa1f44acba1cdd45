/** Javalin 7: the integration endpoints, the secret check, strict JSON reading and the envelope. */
package cn.opportunity.integration.adapter.http;
