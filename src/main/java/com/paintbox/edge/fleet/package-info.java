/**
 * The fleet: the app's machines found on Fly's private network (or from EDGE_FLEET_PEERS), purges and refreshes
 * carried to every one of them (the shield region first), and the shield tier that sends an edge's cacheable misses
 * to the shield region instead of the origin. Peers come from configuration or private DNS only, never from a
 * request; a shield hop carries an HMAC marker keyed from EDGE_ADMIN_TOKEN and never goes to a shield again.
 */
package com.paintbox.edge.fleet;
