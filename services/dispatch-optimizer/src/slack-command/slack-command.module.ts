import { type DynamicModule, Module, type Type } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { SLACK_CALL_OUT_PORT, type SlackCallOutPort } from './call-out.port';
import { SlackCommandController } from './slack-command.controller';

/** The `/callout` slash command; the call-out feature supplies the port's implementation. */
@Module({})
export class SlackCommandModule {
  static forRoot(options: {
    readonly callOuts: Type<SlackCallOutPort>;
    readonly imports?: DynamicModule['imports'];
  }): DynamicModule {
    return {
      module: SlackCommandModule,
      imports: options.imports ?? [],
      controllers: [SlackCommandController],
      providers: [
        systemClockProvider,
        { provide: SLACK_CALL_OUT_PORT, useClass: options.callOuts },
      ],
    };
  }
}
