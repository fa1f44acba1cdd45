/** Main, the commands, configuration and the hand-written wiring of every module. */
package cn.opportunity.integration.bootstrap;
