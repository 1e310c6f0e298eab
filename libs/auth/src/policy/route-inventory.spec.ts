import { Controller, Get, Post, Module } from '@nestjs/common';
import { NestFactory, ModulesContainer } from '@nestjs/core';

import { Role } from '../roles';

import { routeInventory, routesWithoutPolicy } from './route-inventory';
import { Authorize, PublicRoute } from './route-policy';

@Controller('v1/things')
@Authorize({ roles: [Role.Coordinator] })
class ThingsController {
  @Get(':id')
  one(): string {
    return 'one';
  }

  @Post('hook')
  @PublicRoute('signed webhook')
  hook(): string {
    return 'hook';
  }
}

@Controller('v1/forgotten')
class ForgottenController {
  @Get()
  list(): string {
    return 'list';
  }
}

@Module({ controllers: [ThingsController, ForgottenController] })
class FixtureModule {}

describe(routeInventory.name, () => {
  it('should list every route with its effective policy, the handler overriding the controller', async () => {
    // Nest types its options as a class but documents a plain object.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const app = await NestFactory.create(FixtureModule, { preview: true, logger: false });

    const sut = routeInventory(app.get(ModulesContainer));

    expect(sut.map(({ route, policy }) => [route, policy?.kind])).toEqual([
      ['GET /v1/forgotten', undefined],
      ['GET /v1/things/:id', 'authenticated'],
      ['POST /v1/things/hook', 'public'],
    ]);
    expect(routesWithoutPolicy(sut).map((entry) => entry.route)).toEqual(['GET /v1/forgotten']);
    await app.close();
  });
});
