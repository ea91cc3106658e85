/**
 * Typed configuration records, loaded once from {@code conf/edge.json}, {@code regions/<code>.json} and the
 * environment, later wins, and validated once. Every refusal is a {@link com.paintbox.edge.config.ConfigException}
 * naming the key, the value and what was expected (exit code 2); unknown {@code EDGE_*} keys are refused; a default
 * that depends on another setting is {@code auto} and derived, so it never refuses a value someone wrote. Depends on
 * nothing else in the edge.
 */
package com.paintbox.edge.config;
