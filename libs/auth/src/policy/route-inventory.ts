import { type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common/enums/request-method.enum';
import { type ModulesContainer } from '@nestjs/core';

import { ROUTE_POLICY, type RoutePolicy } from './route-policy';

export interface RouteEntry {
  /** `GET /v1/tenants/:tenantId/appointments/:appointmentId` */
  readonly route: string;
  readonly controller: string;
  readonly handler: string;
  readonly policy: RoutePolicy | undefined;
}

/**
 * Every HTTP route of a Nest application with the policy that governs it, read from the
 * same metadata the router and the guard use (handler metadata overrides the controller's).
 */
export function routeInventory(modules: ModulesContainer): RouteEntry[] {
  const controllers = new Set<Type>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      if (typeof wrapper.metatype === 'function') controllers.add(wrapper.metatype as Type);
    }
  }
  return [...controllers].flatMap(routesOf).sort((a, b) => a.route.localeCompare(b.route));
}

function routesOf(controller: Type): RouteEntry[] {
  const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller));
  const classPolicy = Reflect.getMetadata(ROUTE_POLICY, controller) as RoutePolicy | undefined;
  const prototype = controller.prototype as Record<string, unknown>;
  return methodNames(prototype).flatMap((name) => {
    const handler = prototype[name];
    if (typeof handler !== 'function') return [];
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
    if (method === undefined || paths === undefined) return [];
    const policy =
      (Reflect.getMetadata(ROUTE_POLICY, handler) as RoutePolicy | undefined) ?? classPolicy;
    return prefixes.flatMap((prefix) =>
      asList(paths).map((path) => ({
        route: `${RequestMethod[method]} ${joinPath(prefix, path)}`,
        controller: controller.name,
        handler: name,
        policy,
      })),
    );
  });
}

function methodNames(prototype: object): string[] {
  const names = new Set<string>();
  for (
    let current: object | null = prototype;
    current && current !== Object.prototype;
    current = Object.getPrototypeOf(current) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(current))
      if (name !== 'constructor') names.add(name);
  }
  return [...names];
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return [typeof value === 'string' ? value : ''];
}

function joinPath(prefix: string, path: string): string {
  const joined = [prefix, path]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${joined}`;
}

/** Routes that would be refused at run time because nothing declares who may call them. */
export function routesWithoutPolicy(routes: readonly RouteEntry[]): RouteEntry[] {
  return routes.filter((route) => route.policy === undefined);
}
