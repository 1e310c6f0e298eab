import { Module } from '@nestjs/common';

import { SettingsModule } from '../settings/settings.module';

import { GeocodingService } from './geocoding.service';
import { GoogleMapsClient } from './google-maps.client';
import { TravelTimeService } from './travel-time.service';

@Module({
  imports: [SettingsModule],
  providers: [GoogleMapsClient, TravelTimeService, GeocodingService],
  exports: [TravelTimeService, GeocodingService],
})
export class TravelModule {}
