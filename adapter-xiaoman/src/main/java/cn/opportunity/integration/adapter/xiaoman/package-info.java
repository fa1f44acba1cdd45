/** The Xiaoman (OKKI) open API client and the stage dictionary it serves. */
package cn.opportunity.integration.adapter.xiaoman;
